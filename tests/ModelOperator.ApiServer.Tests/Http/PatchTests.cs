using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Tests.Support;

namespace ModelOperator.ApiServer.Tests.Http;

/// <summary>JSON, merge, strategic merge and server-side apply patches over HTTP.</summary>
public sealed class PatchTests
{
    private const string Deployments = "/apis/apps/v1/namespaces/default/deployments";
    private const string Widgets = "/apis/example.com/v1/namespaces/default/widgets";

    [Fact]
    public async Task Json_patch_applies_operations_and_a_failed_test_is_invalid()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.CreateAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"c"},"data":{"a":"1","b":"2"}}""");

        var (code, patched) = await h.PatchAsync("/api/v1/namespaces/default/configmaps/c",
            """[{"op":"test","path":"/data/a","value":"1"},{"op":"replace","path":"/data/a","value":"9"},{"op":"remove","path":"/data/b"},{"op":"add","path":"/data/c","value":"3"}]""",
            "application/json-patch+json");
        Assert.Equal(200, code);
        Assert.Equal("""{"a":"9","c":"3"}""", patched["data"]!.ToJsonString());

        var (failed, status) = await h.PatchAsync("/api/v1/namespaces/default/configmaps/c", """[{"op":"test","path":"/data/a","value":"1"}]""", "application/json-patch+json");
        Assert.Equal(422, failed);
        Assert.Equal("Invalid", status["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Merge_patch_deletes_with_null_and_replaces_lists()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.CreateAsync(Deployments, Manifests.ToJson(Manifests.Deployment("web")));

        var (_, d) = await h.PatchAsync(Deployments + "/web", """{"metadata":{"labels":{"app":null,"new":"x"}},"spec":{"template":{"spec":{"containers":[{"name":"other","image":"busybox"}]}}}}""");

        Assert.Equal("""{"new":"x"}""", d["metadata"]!["labels"]!.ToJsonString());
        Assert.Equal(["other"], Containers(d).Select(c => c["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Strategic_merge_patch_merges_containers_by_name_and_honours_directives()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.CreateAsync(Deployments, Manifests.ToJson(Manifests.Deployment("web")));
        const string smp = "application/strategic-merge-patch+json";

        // A new container is added beside the existing one; env merges by name.
        var (code, d) = await h.PatchAsync(Deployments + "/web", """
            {"spec":{"template":{"spec":{"containers":[
              {"name":"sidecar","image":"envoy"},
              {"name":"app","env":[{"name":"EXTRA","value":"1"}]}]}}}}
            """, smp);
        Assert.Equal(200, code);
        Assert.Equal(["app", "sidecar"], Containers(d).Select(c => c["name"]!.GetValue<string>()));
        Assert.Equal("nginx:1.25", Containers(d)[0]["image"]!.GetValue<string>());
        Assert.Equal(["MODE", "EXTRA"], Containers(d)[0]["env"]!.AsArray().Select(e => e!["name"]!.GetValue<string>()));

        // $patch: delete removes one container; $setElementOrder is accepted.
        (_, d) = await h.PatchAsync(Deployments + "/web", """
            {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"app"}],"containers":[{"name":"sidecar","$patch":"delete"}]}}}}
            """, smp);
        Assert.Equal(["app"], Containers(d).Select(c => c["name"]!.GetValue<string>()));

        // $patch: replace on a list replaces it whole.
        (_, d) = await h.PatchAsync(Deployments + "/web", """
            {"spec":{"template":{"spec":{"containers":[{"$patch":"replace"},{"name":"only","image":"alpine"}]}}}}
            """, smp);
        Assert.Equal(["only"], Containers(d).Select(c => c["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Strategic_merge_patch_on_a_custom_resource_is_unsupported_media_type()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.InstallWidgetCrdAsync();
        await h.CreateAsync(Widgets, Manifests.ToJson(Manifests.Widget("w")));

        var (code, status) = await h.PatchAsync(Widgets + "/w", """{"spec":{"color":"blue"}}""", "application/strategic-merge-patch+json");

        Assert.Equal(415, code);
        Assert.Equal("UnsupportedMediaType", status["reason"]!.GetValue<string>());

        // kube-apiserver's negotiation error names the accepted types only (kustomize and others match this message).
        Assert.Equal(
            "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
            status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Server_side_apply_creates_merges_and_removes_only_fields_its_manager_dropped()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.InstallWidgetCrdAsync();
        const string apply = "application/apply-patch+yaml";

        // YAML body creates the object under the manager.
        var (created, w) = await h.PatchAsync(Widgets + "/w?fieldManager=alice", """
            apiVersion: example.com/v1
            kind: Widget
            metadata:
              name: w
              labels: {owner: alice}
            spec:
              color: red
              label: abc
              parts:
              - name: bolt
                count: 3
            """, apply);
        Assert.Equal(201, created);
        Assert.Equal("alice", w["metadata"]!["managedFields"]![0]!["manager"]!.GetValue<string>());

        // Another manager sets a field alice never touched.
        await h.PatchAsync(Widgets + "/w?fieldManager=bob", """{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"replicas":4,"parts":[{"name":"nut"}]}}""", apply);

        // Alice drops label and her part; bob's replicas and part survive.
        var (code, after) = await h.PatchAsync(Widgets + "/w?fieldManager=alice", """{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"color":"blue"}}""", apply);
        Assert.Equal(200, code);
        var spec = after["spec"]!;
        Assert.Equal(("blue", 4L), (spec["color"]!.GetValue<string>(), spec["replicas"]!.GetValue<long>()));
        Assert.Null(spec["label"]);
        Assert.Equal(["nut"], spec["parts"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()));
        Assert.Null(after["metadata"]!["labels"]);
        Assert.Equal(["alice", "bob"], after["metadata"]!["managedFields"]!.AsArray().Select(m => m!["manager"]!.GetValue<string>()).Order());

        var (missing, status) = await h.PatchAsync(Widgets + "/w", """{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"}}""", apply);
        Assert.Equal(400, missing);
        Assert.Contains("fieldManager", status["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static List<JsonObject> Containers(JsonObject deployment) =>
        deployment["spec"]!["template"]!["spec"]!["containers"]!.AsArray().OfType<JsonObject>().ToList();
}
