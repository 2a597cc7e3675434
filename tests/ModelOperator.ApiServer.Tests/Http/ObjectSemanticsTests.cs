using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Tests.Support;

namespace ModelOperator.ApiServer.Tests.Http;

/// <summary>resourceVersion, uid, generation, status subresource rules, conflicts and Status errors over HTTP.</summary>
public sealed class ObjectSemanticsTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";
    private const string Widgets = "/apis/example.com/v1/namespaces/default/widgets";

    [Fact]
    public async Task Create_stamps_uid_creation_time_and_one_global_resource_version_and_no_generation_on_a_config_map()
    {
        await using var h = await ServerHarness.StartAsync();

        var a = await h.CreateAsync(ConfigMaps, """{"metadata":{"name":"a"},"data":{"k":"v"}}""");
        var b = await h.CreateAsync("/api/v1/namespaces/default/secrets", """{"metadata":{"name":"b"}}""");

        Assert.True(Guid.TryParse(a["metadata"]!["uid"]!.GetValue<string>(), out _));
        Assert.Matches("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$", a["metadata"]!["creationTimestamp"]!.GetValue<string>());
        Assert.Null(a["metadata"]!["generation"]);
        Assert.Equal(long.Parse(a["metadata"]!["resourceVersion"]!.GetValue<string>()) + 1, long.Parse(b["metadata"]!["resourceVersion"]!.GetValue<string>()));
        Assert.Equal("Opaque", b["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Errors_are_Status_objects_with_reason_code_and_details()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.CreateAsync(ConfigMaps, """{"metadata":{"name":"a"}}""");

        var (code, status) = await h.GetAsync(ConfigMaps + "/missing");
        Assert.Equal(404, code);
        Assert.Equal("Status", status["kind"]!.GetValue<string>());
        Assert.Equal("v1", status["apiVersion"]!.GetValue<string>());
        Assert.Equal("Failure", status["status"]!.GetValue<string>());
        Assert.Equal("NotFound", status["reason"]!.GetValue<string>());
        Assert.Equal("configmaps \"missing\" not found", status["message"]!.GetValue<string>());
        Assert.Equal(404, status["code"]!.GetValue<int>());
        Assert.Equal("missing", status["details"]!["name"]!.GetValue<string>());

        var (dupCode, dup) = await h.PostAsync(ConfigMaps, """{"metadata":{"name":"a"}}""");
        Assert.Equal((409, "AlreadyExists"), (dupCode, dup["reason"]!.GetValue<string>()));

        var (nsCode, ns) = await h.PostAsync("/api/v1/namespaces/nope/configmaps", """{"metadata":{"name":"a"}}""");
        Assert.Equal(404, nsCode);
        Assert.Equal("namespaces \"nope\" not found", ns["message"]!.GetValue<string>());

        var (badName, invalid) = await h.PostAsync(ConfigMaps, """{"metadata":{"name":"Bad_Name"}}""");
        Assert.Equal(422, badName);
        Assert.Equal("metadata.name", invalid["details"]!["causes"]![0]!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_update_with_a_stale_resource_version_conflicts_and_a_current_one_succeeds()
    {
        await using var h = await ServerHarness.StartAsync();
        var created = await h.CreateAsync(ConfigMaps, """{"metadata":{"name":"a"},"data":{"k":"1"}}""");
        var rv = created["metadata"]!["resourceVersion"]!.GetValue<string>();

        var (ok, updated) = await h.PutAsync(ConfigMaps + "/a", $$$"""{"metadata":{"name":"a","resourceVersion":"{{{rv}}}"},"data":{"k":"2"}}""");
        Assert.Equal(200, ok);
        Assert.NotEqual(rv, updated["metadata"]!["resourceVersion"]!.GetValue<string>());

        var (stale, conflict) = await h.PutAsync(ConfigMaps + "/a", $$$"""{"metadata":{"name":"a","resourceVersion":"{{{rv}}}"},"data":{"k":"3"}}""");
        Assert.Equal(409, stale);
        Assert.Equal("Conflict", conflict["reason"]!.GetValue<string>());
        Assert.Contains("the object has been modified", conflict["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generation_follows_spec_changes_and_the_status_subresource_splits_writes()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.InstallWidgetCrdAsync();
        await h.CreateAsync(Widgets, """{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"color":"red"},"status":{"replicas":7}}""");

        // Status sent on create is dropped when the kind has a status subresource.
        var (_, w) = await h.GetAsync(Widgets + "/w");
        Assert.Null(w["status"]);

        // A label change keeps the generation; a spec change bumps it; status through the main resource is ignored.
        (_, w) = await h.PatchAsync(Widgets + "/w", """{"metadata":{"labels":{"x":"y"}}}""");
        Assert.Equal(1, Generation(w));
        (_, w) = await h.PatchAsync(Widgets + "/w", """{"spec":{"color":"blue"},"status":{"replicas":3}}""");
        Assert.Equal(2, Generation(w));
        Assert.Null(w["status"]);

        // /status writes change only status and never the generation.
        (_, w) = await h.PatchAsync(Widgets + "/w/status", """{"spec":{"color":"green"},"status":{"replicas":3}}""");
        Assert.Equal(("blue", 3L, 2L), (w["spec"]!["color"]!.GetValue<string>(), w["status"]!["replicas"]!.GetValue<long>(), Generation(w)));

        // A kind whose registry keeps no generation (a ConfigMap) never gets one, whatever changes.
        await h.CreateAsync(ConfigMaps, """{"metadata":{"name":"c"},"data":{"k":"1"}}""");
        var (_, c) = await h.PatchAsync(ConfigMaps + "/c", """{"data":{"k":"2"}}""");
        Assert.Null(c["metadata"]!["generation"]);
    }

    [Fact]
    public async Task A_no_op_update_keeps_the_resource_version_and_dry_run_stores_nothing()
    {
        await using var h = await ServerHarness.StartAsync();
        var created = await h.CreateAsync(ConfigMaps, """{"metadata":{"name":"a"},"data":{"k":"1"}}""");

        var (_, same) = await h.PatchAsync(ConfigMaps + "/a", """{"data":{"k":"1"}}""");
        Assert.Equal(created["metadata"]!["resourceVersion"]!.GetValue<string>(), same["metadata"]!["resourceVersion"]!.GetValue<string>());

        var (dryCode, _) = await h.PostAsync(ConfigMaps + "?dryRun=All", """{"metadata":{"name":"dry"}}""");
        Assert.Equal(201, dryCode);
        Assert.Equal(404, (await h.GetAsync(ConfigMaps + "/dry")).Code);

        var (badDry, status) = await h.PostAsync(ConfigMaps + "?dryRun=Some", """{"metadata":{"name":"dry"}}""");
        Assert.Equal(400, badDry);
        Assert.Contains("the only allowed value is All", status["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deployments_get_defaults_and_a_scale_subresource()
    {
        await using var h = await ServerHarness.StartAsync();
        var d = await h.CreateAsync("/apis/apps/v1/namespaces/default/deployments", Manifests.ToJson(Manifests.Deployment("web", replicas: 2)));
        Assert.Equal("RollingUpdate", d["spec"]!["strategy"]!["type"]!.GetValue<string>());
        Assert.Equal(600, d["spec"]!["progressDeadlineSeconds"]!.GetValue<long>());

        var (_, scale) = await h.GetAsync("/apis/apps/v1/namespaces/default/deployments/web/scale");
        Assert.Equal(("Scale", 2L, "app=web"), (scale["kind"]!.GetValue<string>(), scale["spec"]!["replicas"]!.GetValue<long>(), scale["status"]!["selector"]!.GetValue<string>()));

        var (code, _) = await h.PutAsync("/apis/apps/v1/namespaces/default/deployments/web/scale", """{"kind":"Scale","apiVersion":"autoscaling/v1","metadata":{"name":"web"},"spec":{"replicas":4}}""");
        Assert.Equal(200, code);
        var (_, after) = await h.GetAsync("/apis/apps/v1/namespaces/default/deployments/web");
        Assert.Equal((4L, 2L), (after["spec"]!["replicas"]!.GetValue<long>(), Generation(after)));
    }

    [Fact]
    public async Task A_deployment_whose_selector_does_not_match_its_template_is_invalid()
    {
        await using var h = await ServerHarness.StartAsync();
        var body = Manifests.ToJson(Manifests.Deployment("web")).Replace("\"matchLabels\":{\"app\":\"web\"}", "\"matchLabels\":{\"app\":\"other\"}", StringComparison.Ordinal);

        var (code, status) = await h.PostAsync("/apis/apps/v1/namespaces/default/deployments", body);

        Assert.Equal(422, code);
        Assert.Equal("spec.template.metadata.labels", status["details"]!["causes"]![0]!["field"]!.GetValue<string>());
        Assert.StartsWith("Deployment.apps \"web\" is invalid: spec.template.metadata.labels", status["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Crd_validation_reports_every_failing_field_and_defaults_are_applied()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.InstallWidgetCrdAsync();

        var (code, status) = await h.PostAsync(Widgets, """
            {"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},
             "spec":{"replicas":"three","label":"UPPER","sizes":[1,2,3,4],"parts":[{"count":2}]}}
            """);

        Assert.Equal(422, code);
        var fields = status["details"]!["causes"]!.AsArray().Select(c => c!["field"]!.GetValue<string>()).Order().ToArray();
        Assert.Equal(["spec.color", "spec.label", "spec.parts[0].name", "spec.replicas", "spec.sizes"], fields);

        var created = await h.CreateAsync(Widgets, """{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"color":"red","parts":[{"name":"p"}],"unknown":1}}""");
        Assert.Equal(1, created["spec"]!["replicas"]!.GetValue<long>());
        Assert.Equal(1, created["spec"]!["parts"]![0]!["count"]!.GetValue<long>());
        Assert.Null(created["spec"]!["unknown"]);
    }

    private static long Generation(JsonObject o) => o["metadata"]!["generation"]!.GetValue<long>();
}
