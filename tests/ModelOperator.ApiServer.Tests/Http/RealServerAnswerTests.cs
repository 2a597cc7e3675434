using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Tests.Support;

namespace ModelOperator.ApiServer.Tests.Http;

/// <summary>
/// Answers the audit against kube-apiserver found different, each pinned to the real server's status, reason, wording
/// and headers (the kube-apiserver source the wording comes from is named in each case). See docs/apiserver-audit.md.
/// </summary>
public sealed class RealServerAnswerTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";
    private const string Deployments = "/apis/apps/v1/namespaces/default/deployments";
    private const string Widgets = "/apis/example.com/v1/namespaces/default/widgets";

    [Fact]
    public async Task A_json_patch_that_does_not_apply_is_422_with_the_generic_message_and_empty_details()
    {
        // Given a config map
        await using var h = await ServerHarness.StartAsync();
        await h.CreateAsync(ConfigMaps, """{"metadata":{"name":"c"},"data":{"a":"1"}}""");

        // When a JSON patch's test fails, and when it removes a path that is not there
        foreach (var patch in new[] { """[{"op":"test","path":"/data/a","value":"2"}]""", """[{"op":"remove","path":"/data/nope"}]""" })
        {
            var (code, status) = await h.PatchAsync(ConfigMaps + "/c", patch, "application/json-patch+json");

            // Then the answer is what NewGenericServerResponse(422) writes: kubectl prints "The request is invalid: ..."
            Assert.Equal(422, code);
            Assert.Equal("Invalid", status["reason"]!.GetValue<string>());
            Assert.Equal("the server rejected our request due to an error in our request", status["message"]!.GetValue<string>());
            Assert.Equal("{}", status["details"]!.ToJsonString());
        }
    }

    [Theory]
    [InlineData(Deployments + "?fieldSelector=spec.replicas%3D2", "\"spec.replicas\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"")]
    [InlineData(Widgets + "?fieldSelector=spec.color%3Dred", "\"spec.color\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"")]
    [InlineData("/api/v1/namespaces/default/pods?fieldSelector=spec.foo%3Dx", "field label not supported: spec.foo")]
    [InlineData("/api/v1/namespaces?fieldSelector=metadata.namespace%3Dx", "field label not supported: metadata.namespace")]
    public async Task An_unsupported_field_selector_is_refused_in_the_words_of_the_kinds_conversion(string path, string message)
    {
        await using var h = await ServerHarness.StartAsync();
        await h.InstallWidgetCrdAsync();

        var (code, status) = await h.GetAsync(path);

        Assert.Equal(400, code);
        Assert.Equal("BadRequest", status["reason"]!.GetValue<string>());
        Assert.Equal(message, status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Services_are_selected_by_type()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.CreateAsync("/api/v1/namespaces/default/services", """{"metadata":{"name":"a"},"spec":{"ports":[{"port":80}]}}""");
        await h.CreateAsync("/api/v1/namespaces/default/services", """{"metadata":{"name":"b"},"spec":{"type":"NodePort","ports":[{"port":80}]}}""");

        var (code, list) = await h.GetAsync("/api/v1/namespaces/default/services?fieldSelector=spec.type%3DNodePort");

        Assert.Equal(200, code);
        Assert.Equal(["b"], list["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Strict_field_validation_refuses_duplicate_and_unknown_fields_of_a_built_in_kind()
    {
        await using var h = await ServerHarness.StartAsync();
        const string body = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","bogusMeta":"x"},"data":{"a":"1"},"data":{"b":"2"},"bogus":1}""";

        var (code, status) = await h.SendAsync(HttpMethod.Post, ConfigMaps + "?fieldValidation=Strict", body);

        Assert.Equal(400, code);
        Assert.Equal("BadRequest", status["reason"]!.GetValue<string>());
        Assert.Equal(
            "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: duplicate field \"data\", unknown field \"metadata.bogusMeta\", unknown field \"bogus\"",
            status["message"]!.GetValue<string>());
        Assert.Equal(404, (await h.GetAsync(ConfigMaps + "/c")).Code);
    }

    [Fact]
    public async Task Warn_field_validation_keeps_the_last_duplicate_drops_unknown_fields_and_says_so_in_warning_headers()
    {
        await using var h = await ServerHarness.StartAsync();
        const string body = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1"},"data":{"b":"2"},"bogus":{"x":1}}""";

        // Warn is also what a request without fieldValidation gets.
        var (code, created, warnings) = await h.SendWithWarningsAsync(HttpMethod.Post, ConfigMaps, body);

        Assert.Equal(201, code);
        Assert.Equal("""{"b":"2"}""", created["data"]!.ToJsonString());
        Assert.Null(created["bogus"]);
        Assert.Equal(["299 - \"duplicate field \\\"data\\\"\"", "299 - \"unknown field \\\"bogus\\\"\""], warnings);
        var (_, stored) = await h.GetAsync(ConfigMaps + "/c");
        Assert.Null(stored["bogus"]);

        // Ignore keeps the same object and says nothing.
        var (ignoredCode, _, none) = await h.SendWithWarningsAsync(HttpMethod.Put, ConfigMaps + "/c?fieldValidation=Ignore", body);
        Assert.Equal(200, ignoredCode);
        Assert.Empty(none);
    }

    [Fact]
    public async Task A_merge_patch_with_an_unknown_field_warns_and_under_strict_is_422_on_the_patch()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.CreateAsync(Deployments, Manifests.ToJson(Manifests.Deployment("web")));

        var (code, patched, warnings) = await h.SendWithWarningsAsync(HttpMethod.Patch, Deployments + "/web", """{"spec":{"paused":true,"paused":false},"extra":1}""", "application/merge-patch+json");
        Assert.Equal(200, code);
        Assert.False(patched["spec"]!["paused"]!.GetValue<bool>());
        Assert.Null(patched["extra"]);
        Assert.Equal(["299 - \"duplicate field \\\"spec.paused\\\"\"", "299 - \"unknown field \\\"extra\\\"\""], warnings);

        // Strict on a patch is kube-apiserver's 422 on the field "patch", quoting the patched object.
        var (strict, status) = await h.PatchAsync(Deployments + "/web?fieldValidation=Strict", """{"extra":1}""");
        Assert.Equal(422, strict);
        Assert.Equal("Invalid", status["reason"]!.GetValue<string>());
        var message = status["message"]!.GetValue<string>();
        Assert.StartsWith(" \"\" is invalid: patch: Invalid value: \"{\\\"apiVersion\\\":\\\"apps/v1\\\"", message, StringComparison.Ordinal);
        Assert.EndsWith("\": strict decoding error: unknown field \"extra\"", message, StringComparison.Ordinal);
        Assert.Equal("patch", status["details"]!["causes"]![0]!["field"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("?resourceVersionMatch=NotOlderThan", "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided")]
    [InlineData("?resourceVersion=0&resourceVersionMatch=Exact", "resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"")]
    [InlineData("?resourceVersion=1&resourceVersionMatch=Newest", "resourceVersionMatch: Unsupported value: \"Newest\": supported values: \"Exact\", \"NotOlderThan\", \"\"")]
    [InlineData("?sendInitialEvents=true", "sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list")]
    [InlineData("?watch=true&resourceVersionMatch=NotOlderThan", "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided")]
    [InlineData("?watch=true&sendInitialEvents=true", "resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan")]
    public async Task List_options_a_real_server_refuses_are_422_on_ListOptions(string query, string cause)
    {
        await using var h = await ServerHarness.StartAsync();

        var (code, status) = await h.GetAsync(ConfigMaps + query);

        Assert.Equal(422, code);
        Assert.Equal("Invalid", status["reason"]!.GetValue<string>());
        Assert.Equal($"ListOptions.meta.k8s.io \"\" is invalid: {cause}", status["message"]!.GetValue<string>());
        Assert.Equal(("meta.k8s.io", "ListOptions"), (status["details"]!["group"]!.GetValue<string>(), status["details"]!["kind"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_deployment_marked_for_deletion_gets_a_new_generation()
    {
        // Given a deployment a finalizer holds
        await using var h = await ServerHarness.StartAsync();
        var json = JsonNode.Parse(Manifests.ToJson(Manifests.Deployment("web")))!.AsObject();
        json["metadata"]!["finalizers"] = new JsonArray("example.com/hold");
        await h.CreateAsync(Deployments, json.ToJsonString());

        // When it is deleted
        var (code, deleting) = await h.DeleteAsync(Deployments + "/web");

        // Then it stays, marked, with its generation bumped as kube-apiserver's markAsDeleting does
        Assert.Equal(200, code);
        Assert.NotNull(deleting["metadata"]!["deletionTimestamp"]);
        Assert.Equal(2, deleting["metadata"]!["generation"]!.GetValue<long>());
    }
}
