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
