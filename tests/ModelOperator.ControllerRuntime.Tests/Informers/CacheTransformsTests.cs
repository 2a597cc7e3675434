using System.Text.Json;
using System.Text.Json.Nodes;
using ModelOperator.ControllerRuntime.Informers;
using ModelOperator.ControllerRuntime.Tests.Support;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Testing;

namespace ModelOperator.ControllerRuntime.Tests.Informers;

public sealed class CacheTransformsTests : IAsyncDisposable
{
    // A Deployment as a real API server returns it after kubectl apply and a controller's update.
    private const string DeploymentJson = """
        {
          "apiVersion": "apps/v1",
          "kind": "Deployment",
          "metadata": {
            "name": "web", "namespace": "shop", "uid": "u1", "resourceVersion": "7", "generation": 2,
            "labels": { "app": "web" },
            "annotations": { "note": "kept" },
            "selfLink": "/apis/apps/v1/namespaces/shop/deployments/web",
            "managedFields": [
              { "manager": "kubectl", "operation": "Apply", "apiVersion": "apps/v1", "fieldsType": "FieldsV1", "fieldsV1": { "f:spec": { "f:replicas": {} } } },
              { "manager": "modeloperator", "operation": "Update", "apiVersion": "apps/v1", "fieldsType": "FieldsV1", "fieldsV1": { "f:metadata": { "f:labels": {} } } }
            ]
          },
          "spec": { "replicas": 3, "selector": { "matchLabels": { "app": "web" } } },
          "status": { "readyReplicas": 3 }
        }
        """;

    private readonly ManualTimeProvider _clock = new();
    private readonly FakeListerWatcher<Lease> _api = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _running;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
        {
            await _running.Within();
        }

        _stop.Dispose();
    }

    [Fact]
    public void Strip_managed_fields_drops_only_managed_fields()
    {
        var deployment = JsonSerializer.Deserialize(DeploymentJson, Deployment.JsonTypeInfo)!;

        var stripped = CacheTransforms.StripManagedFields(deployment);

        var expected = JsonNode.Parse(DeploymentJson)!;
        expected["metadata"]!.AsObject().Remove("managedFields");
        var actual = JsonSerializer.SerializeToNode(stripped, Deployment.JsonTypeInfo)!;
        Assert.Null(actual["metadata"]!["managedFields"]);
        Assert.Equal("/apis/apps/v1/namespaces/shop/deployments/web", (string?)actual["metadata"]!["selfLink"]);
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected {expected.ToJsonString()}\nactual   {actual.ToJsonString()}");
        Assert.Equal(2, deployment.Metadata.ExtensionData!["managedFields"].GetArrayLength()); // the input is not changed
    }

    [Fact]
    public void Strip_managed_fields_returns_an_object_without_them_as_it_is()
    {
        var lease = Objects.Lease("a", "x", "1");

        Assert.Same(lease, CacheTransforms.StripManagedFields(lease));
    }

    [Fact]
    public async Task The_informer_caches_and_hands_out_transformed_objects_from_lists_and_watches()
    {
        _api.Objects = [WithManagedFields(Objects.Lease("a", "x", "1"))];
        var handler = new RecordingHandler<Lease>();
        var seen = new SeenObjects();
        var informer = new Informer<Lease>(_api, _clock, transform: CacheTransforms.StripManagedFields);
        informer.AddEventHandler(seen); // before the handler the test waits on, which is told second
        informer.AddEventHandler(handler);
        _running = informer.RunAsync(_stop.Token);
        await _api.WatchCalls.Reader.ReadWithin();
        await handler.Next(1);
        Assert.Null(informer.Cache.Get(new ObjectKey("a", "x"))!.Metadata.ExtensionData);

        _api.Send(WatchEventType.Modified, WithManagedFields(Objects.Lease("a", "x", "2", holder: "me")));
        await handler.Next(1);

        var cached = informer.Cache.Get(new ObjectKey("a", "x"))!;
        Assert.Equal(("2", "me"), (cached.Metadata.ResourceVersion, cached.Spec!.HolderIdentity));
        Assert.Null(cached.Metadata.ExtensionData);
        Assert.Equal(3, seen.Objects.Count); // the add, and the update's old and new object
        Assert.All(seen.Objects, o => Assert.Null(o.Metadata.ExtensionData));
    }

    [Fact]
    public void Share_strings_keeps_the_object_equal_and_shares_equal_strings_between_objects()
    {
        var share = CacheTransforms.ShareStrings<Deployment>(new StringPool(slots: 1 << 20)); // no chance collision (the hash is seeded per process) evicts a string the test expects shared
        var first = JsonSerializer.Deserialize(DeploymentJson, Deployment.JsonTypeInfo)!;
        var second = JsonSerializer.Deserialize(DeploymentJson.Replace("\"web\", \"namespace\"", "\"api\", \"namespace\"", StringComparison.Ordinal), Deployment.JsonTypeInfo)!;
        Assert.NotSame(first.Metadata.Namespace, second.Metadata.Namespace); // two parses, two copies

        var a = share(first);
        var b = share(second);

        Assert.True(JsonNode.DeepEquals(JsonSerializer.SerializeToNode(first, Deployment.JsonTypeInfo), JsonSerializer.SerializeToNode(a, Deployment.JsonTypeInfo)));
        Assert.Equal(("web", "api"), (a.Metadata.Name, b.Metadata.Name));
        Assert.Same(a.Metadata.Namespace, b.Metadata.Namespace);
        Assert.Same(a.Metadata.Labels!.Keys.Single(), b.Metadata.Labels!.Keys.Single()); // dictionary keys too
        Assert.Same(a.Metadata.Labels["app"], b.Spec!.Selector!.MatchLabels!["app"]);
    }

    [Fact]
    public void The_string_pool_shares_short_strings_and_stays_bounded()
    {
        var pool = new StringPool(slots: 4);
        var key = pool.Get(new string("app.kubernetes.io/managed-by".AsSpan()));
        Assert.Same(key, pool.Get(new string("app.kubernetes.io/managed-by".AsSpan())));

        var long1 = new string('x', StringPool.MaxLength + 1);
        Assert.NotSame(pool.Get(long1), pool.Get(new string('x', StringPool.MaxLength + 1)));

        // Four slots hold at most four strings: a hundred distinct ones evict each other rather than pile up.
        var distinct = Enumerable.Range(0, 100).Select(i => $"uid-{i}").ToList();
        distinct.ForEach(s => pool.Get(s));
        Assert.True(distinct.Count(s => ReferenceEquals(pool.Get(new string(s.AsSpan())), s)) <= 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => new StringPool(slots: 6));
    }

    private static Lease WithManagedFields(Lease lease) => lease.WithMetadata(lease.Metadata with
    {
        ExtensionData = new Dictionary<string, JsonElement>
        {
            [CacheTransforms.ManagedFieldsKey] = JsonDocument.Parse("""[{"manager":"kubectl","operation":"Update"}]""").RootElement,
        },
    });

    private sealed class SeenObjects : IResourceEventHandler<Lease>
    {
        public List<Lease> Objects { get; } = [];

        public void OnAdd(Lease obj, bool isInInitialList) => Objects.Add(obj);

        public void OnUpdate(Lease oldObj, Lease newObj) => Objects.AddRange([oldObj, newObj]);

        public void OnDelete(Lease obj, bool finalStateUnknown) => Objects.Add(obj);
    }
}
