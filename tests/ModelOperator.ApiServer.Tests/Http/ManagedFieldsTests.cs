using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Tests.Support;

namespace ModelOperator.ApiServer.Tests.Http;

/// <summary>
/// managedFields of writes that are not apply: an Update entry per manager (fieldManager, else the User-Agent's product)
/// with the fields it set, taken over from other managers when it changes them, and conflicts of a later apply with them.
/// </summary>
public sealed class ManagedFieldsTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";
    private const string ApplyType = "application/apply-patch+yaml";

    private static JsonObject Entry(JsonObject obj, string manager) =>
        obj["metadata"]!["managedFields"]!.AsArray().OfType<JsonObject>().Single(e => e["manager"]!.GetValue<string>() == manager);

    private static string Fields(JsonObject entry) => entry["fieldsV1"]!.ToJsonString();

    [Fact]
    public async Task A_create_records_an_Update_entry_with_every_field_it_set()
    {
        await using var h = await ServerHarness.StartAsync();

        var created = await h.CreateAsync(ConfigMaps + "?fieldManager=installer", """{"metadata":{"name":"c","labels":{"app":"web"}},"data":{"k":"1","l":"2"}}""");

        var entry = Entry(created, "installer");
        Assert.Equal(("Update", "v1", "FieldsV1"), (entry["operation"]!.GetValue<string>(), entry["apiVersion"]!.GetValue<string>(), entry["fieldsType"]!.GetValue<string>()));
        Assert.Equal("""{"f:metadata":{"f:labels":{"f:app":{}}},"f:data":{"f:k":{},"f:l":{}}}""", Fields(entry));
        Assert.NotNull(entry["time"]);
        Assert.Null(entry["subresource"]);
    }

    [Fact]
    public async Task Without_a_field_manager_the_user_agent_names_the_manager()
    {
        await using var h = await ServerHarness.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, ConfigMaps.TrimStart('/')) { Content = new StringContent("""{"metadata":{"name":"c"},"data":{"k":"1"}}""", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("User-Agent", "model-operator/1.4.0 (linux/amd64) ModelOperator/abc");

        using var response = await h.Http.SendAsync(request);
        var created = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

        Assert.Equal("""{"f:data":{"f:k":{}}}""", Fields(Entry(created, "model-operator")));
    }

    [Fact]
    public async Task An_update_takes_over_the_fields_it_changes_and_a_write_that_changes_nothing_records_nothing()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.CreateAsync(ConfigMaps + "?fieldManager=installer", """{"metadata":{"name":"c"},"data":{"k":"1","l":"2"}}""");

        var (code, edited) = await h.PatchAsync(ConfigMaps + "/c?fieldManager=editor", """{"data":{"k":"9","l":"2","m":"3"}}""");
        var (sameCode, same) = await h.PatchAsync(ConfigMaps + "/c?fieldManager=idle", """{"data":{"k":"9"}}""");
        var (removeCode, removed) = await h.PatchAsync(ConfigMaps + "/c?fieldManager=editor", """{"data":{"l":null}}""");

        Assert.Equal((200, 200, 200), (code, sameCode, removeCode));
        Assert.Equal("""{"f:data":{"f:l":{}}}""", Fields(Entry(edited, "installer")));
        Assert.Equal("""{"f:data":{"f:k":{},"f:m":{}}}""", Fields(Entry(edited, "editor")));
        Assert.Equal(edited["metadata"]!["resourceVersion"]!.GetValue<string>(), same["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.DoesNotContain(same["metadata"]!["managedFields"]!.AsArray(), e => e!["manager"]!.GetValue<string>() == "idle");
        Assert.Equal(["editor"], removed["metadata"]!["managedFields"]!.AsArray().Select(e => e!["manager"]!.GetValue<string>())); // installer owned only l
    }

    [Fact]
    public async Task Status_and_scale_writes_are_recorded_under_their_subresource()
    {
        await using var h = await ServerHarness.StartAsync();
        const string deployments = "/apis/apps/v1/namespaces/default/deployments";
        await h.CreateAsync(deployments + "?fieldManager=installer", Manifests.ToJson(Manifests.Deployment("web")));

        await h.PatchAsync(deployments + "/web/status?fieldManager=controller", """{"status":{"replicas":2}}""");
        var (_, scaled) = await h.PatchAsync(deployments + "/web/scale?fieldManager=autoscaler", """{"spec":{"replicas":4}}""");
        var web = (await h.GetAsync(deployments + "/web")).Body;

        Assert.Equal(4, scaled["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal(("status", """{"f:status":{"f:replicas":{}}}"""), (Entry(web, "controller")["subresource"]!.GetValue<string>(), Fields(Entry(web, "controller"))));
        Assert.Equal(("scale", """{"f:spec":{"f:replicas":{}}}"""), (Entry(web, "autoscaler")["subresource"]!.GetValue<string>(), Fields(Entry(web, "autoscaler"))));
        Assert.Null(Entry(web, "installer")["fieldsV1"]!["f:spec"]!["f:replicas"]);
    }

    [Fact]
    public async Task An_apply_that_changes_a_field_an_Update_manager_owns_conflicts_naming_it_with_its_api_version()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.CreateAsync(ConfigMaps + "?fieldManager=kubectl-edit", """{"metadata":{"name":"c"},"data":{"k":"1"}}""");
        const string config = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"k":"2"}}""";

        var (code, status) = await h.SendAsync(HttpMethod.Patch, ConfigMaps + "/c?fieldManager=gitops", config, ApplyType);
        var (forcedCode, forced) = await h.SendAsync(HttpMethod.Patch, ConfigMaps + "/c?fieldManager=gitops&force=true", config, ApplyType);

        Assert.Equal(409, code);
        Assert.Equal("Apply failed with 1 conflict: conflict with \"kubectl-edit\" using v1: .data.k", status["message"]!.GetValue<string>());
        Assert.Equal(200, forcedCode);
        Assert.Equal(["gitops"], forced["metadata"]!["managedFields"]!.AsArray().Select(e => e!["manager"]!.GetValue<string>()));
        Assert.Equal("Apply", Entry(forced, "gitops")["operation"]!.GetValue<string>());
    }
}
