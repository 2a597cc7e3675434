using System.Text.Json;
using System.Text.Json.Nodes;
using ModelOperator.ControllerRuntime.Informers;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.ControllerRuntime.Tests.Informers;

public sealed class CacheDecodingTests
{
    // A pod as the API server stores it: defaults filled in, two field managers.
    private const string PodJson = """
        {
          "apiVersion": "v1", "kind": "Pod",
          "metadata": {
            "name": "churn-1", "namespace": "shop", "uid": "u1", "resourceVersion": "7",
            "labels": { "app": "churn" },
            "managedFields": [ { "manager": "kubelet", "operation": "Update", "fieldsV1": { "f:status": {} } } ],
            "selfLink": "/api/v1/namespaces/shop/pods/churn-1"
          },
          "spec": { "containers": [ { "name": "server", "image": "churn:1", "terminationMessagePath": "/dev/termination-log" } ], "dnsPolicy": "ClusterFirst" },
          "status": { "phase": "Running", "podIP": "10.0.0.7", "conditions": [ { "type": "Ready", "status": "True" } ] }
        }
        """;

    [Fact]
    public void Skipped_fields_are_not_built_and_everything_else_reads_as_a_whole_decode_does()
    {
        var options = CacheDecoding.For<Pod>(null, CacheDecoding.ManagedFields, new CacheDecoding.SkippedField(typeof(Pod), "spec"));

        var shaped = JsonSerializer.Deserialize<Pod>(PodJson, options)!;

        var whole = JsonSerializer.Deserialize(PodJson, Pod.JsonTypeInfo)!;
        var expected = CacheTransforms.StripManagedFields(whole) with { Spec = null };
        Assert.Null(shaped.Spec);
        Assert.Equal(["selfLink"], shaped.Metadata.ExtensionData!.Keys); // other unknown fields stay
        Assert.True(
            JsonNode.DeepEquals(JsonSerializer.SerializeToNode(expected, Pod.JsonTypeInfo), JsonSerializer.SerializeToNode(shaped, Pod.JsonTypeInfo)),
            JsonSerializer.Serialize(shaped, Pod.JsonTypeInfo));
    }

    [Fact]
    public void List_pages_are_read_in_the_same_shape()
    {
        var options = CacheDecoding.For<Pod>(null, CacheDecoding.ManagedFields, new CacheDecoding.SkippedField(typeof(Pod), "spec"));

        var page = JsonSerializer.Deserialize<ObjectList<Pod>>($$"""{ "metadata": { "resourceVersion": "9", "continue": "c" }, "items": [ {{PodJson}} ] }""", options)!;

        Assert.Equal(("9", "c"), (page.Metadata.ResourceVersion, page.Metadata.Continue));
        Assert.Null(page.Items.Single().Spec);
        Assert.False(page.Items.Single().Metadata.ExtensionData!.ContainsKey(CacheTransforms.ManagedFieldsKey));
        Assert.Equal("10.0.0.7", page.Items.Single().Status!.PodIP);
    }

    [Fact]
    public void Strings_read_through_one_pool_are_shared_between_objects_and_kinds()
    {
        // The pool is lossy by design: a string whose slot another one hashed to (the hash is seeded per process) is
        // evicted. With 8 192 slots the few dozen strings read here collided in about one run in a hundred, so the test
        // gives them a million slots; The_string_pool_shares_short_strings_and_stays_bounded tests the eviction.
        var pool = new StringPool(slots: 1 << 20);
        var pods = CacheDecoding.For<Pod>(pool);
        var deployments = CacheDecoding.For<Deployment>(pool);

        var a = JsonSerializer.Deserialize<Pod>(PodJson, pods)!;
        var b = JsonSerializer.Deserialize<Pod>(PodJson.Replace("churn-1", "churn-2", StringComparison.Ordinal), pods)!;
        var d = JsonSerializer.Deserialize<Deployment>("""{ "metadata": { "name": "churn", "namespace": "shop", "labels": { "app": "churn" } } }""", deployments)!;

        Assert.Equal(("churn-1", "churn-2"), (a.Metadata.Name, b.Metadata.Name));
        Assert.Same(a.Metadata.Namespace, b.Metadata.Namespace);
        Assert.Same(a.Metadata.Namespace, d.Metadata.Namespace);
        Assert.Same(a.Metadata.Labels!.Keys.Single(), d.Metadata.Labels!.Keys.Single()); // dictionary keys too
        Assert.Same(a.Status!.Conditions![0].Type, b.Status!.Conditions![0].Type);
    }

    [Fact]
    public void A_field_that_cannot_be_there_is_refused_with_the_properties_that_can()
    {
        var error = Assert.Throws<ArgumentException>(() => CacheDecoding.For<Pod>(null, new CacheDecoding.SkippedField(typeof(Pod), "spek")));

        Assert.Contains("'spek'", error.Message, StringComparison.Ordinal);
        Assert.Contains("spec", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_pool_finds_strings_from_characters_without_making_new_ones()
    {
        var pool = new StringPool();
        var kept = pool.Get("app.kubernetes.io/managed-by");

        Assert.Same(kept, pool.Get("app.kubernetes.io/managed-by".AsSpan()));
        Assert.Same(string.Empty, pool.Get(ReadOnlySpan<char>.Empty));
        Assert.Equal(new string('x', StringPool.MaxLength + 1), pool.Get(new string('x', StringPool.MaxLength + 1).AsSpan()));
    }
}
