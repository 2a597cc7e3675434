using ModelOperator.ApiServer.Tests.Support;

namespace ModelOperator.ApiServer.Tests.Http;

/// <summary>Version, legacy discovery documents and OpenAPI v3 as kubectl reads them.</summary>
public sealed class DiscoveryTests
{
    [Fact]
    public async Task Version_and_core_discovery_describe_the_served_kinds()
    {
        await using var h = await ServerHarness.StartAsync();

        var (_, version) = await h.GetAsync("/version");
        Assert.Equal(("1", "32", "v1.32.0"), (version["major"]!.GetValue<string>(), version["minor"]!.GetValue<string>(), version["gitVersion"]!.GetValue<string>()));

        var (_, api) = await h.GetAsync("/api");
        Assert.Equal("APIVersions", api["kind"]!.GetValue<string>());

        var (_, core) = await h.GetAsync("/api/v1");
        var pods = core["resources"]!.AsArray().First(r => r!["name"]!.GetValue<string>() == "pods")!;
        Assert.Equal(["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"], pods["verbs"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(["po"], pods["shortNames"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.True(pods["namespaced"]!.GetValue<bool>());
        var namespaces = core["resources"]!.AsArray().First(r => r!["name"]!.GetValue<string>() == "namespaces")!;
        Assert.False(namespaces["namespaced"]!.GetValue<bool>());

        var (_, groups) = await h.GetAsync("/apis");
        var names = groups["groups"]!.AsArray().Select(g => g!["name"]!.GetValue<string>()).ToArray();
        Assert.Superset(new HashSet<string> { "apps", "autoscaling", "coordination.k8s.io", "gateway.networking.k8s.io", "apiextensions.k8s.io" }, names.ToHashSet());

        var (_, apps) = await h.GetAsync("/apis/apps/v1");
        var scale = apps["resources"]!.AsArray().First(r => r!["name"]!.GetValue<string>() == "deployments/scale")!;
        Assert.Equal(("autoscaling", "v1", "Scale"), (scale["group"]!.GetValue<string>(), scale["version"]!.GetValue<string>(), scale["kind"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Rbac_kinds_and_service_accounts_are_served_with_their_scope()
    {
        await using var h = await ServerHarness.StartAsync();

        var (_, rbac) = await h.GetAsync("/apis/rbac.authorization.k8s.io/v1");
        var scopes = rbac["resources"]!.AsArray().ToDictionary(r => r!["name"]!.GetValue<string>(), r => r!["namespaced"]!.GetValue<bool>());
        Assert.Equal(
            new Dictionary<string, bool> { ["clusterrolebindings"] = false, ["clusterroles"] = false, ["rolebindings"] = true, ["roles"] = true },
            scopes);

        var (_, core) = await h.GetAsync("/api/v1");
        var sa = core["resources"]!.AsArray().First(r => r!["name"]!.GetValue<string>() == "serviceaccounts")!;
        Assert.True(sa["namespaced"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Openapi_v3_lists_group_versions_with_hashed_urls_and_tags_kinds_and_patch_operations()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.InstallWidgetCrdAsync();

        var (_, index) = await h.GetAsync("/openapi/v3");
        var url = index["paths"]!["apis/example.com/v1"]!["serverRelativeURL"]!.GetValue<string>();
        Assert.StartsWith("/openapi/v3/apis/example.com/v1?hash=", url, StringComparison.Ordinal);

        var (_, doc) = await h.GetAsync(url);
        var widget = doc["components"]!["schemas"]!["com.example.v1.Widget"]!;
        Assert.Equal("Widget", widget["x-kubernetes-group-version-kind"]![0]!["kind"]!.GetValue<string>());
        Assert.Equal("The colour the widget is painted in.", widget["properties"]!["spec"]!["properties"]!["color"]!["description"]!.GetValue<string>());

        var patch = doc["paths"]!["/apis/example.com/v1/namespaces/{namespace}/widgets/{name}"]!["patch"]!;
        Assert.Equal("Widget", patch["x-kubernetes-group-version-kind"]!["kind"]!.GetValue<string>());
        Assert.Contains(patch["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "fieldValidation" && p["in"]!.GetValue<string>() == "query");

        // The hash changes when the content does.
        await h.PatchAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com",
            """{"spec":{"versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}""");
        var (_, after) = await h.GetAsync("/openapi/v3");
        Assert.NotEqual(url, after["paths"]!["apis/example.com/v1"]!["serverRelativeURL"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_paths_and_resources_answer_404_status_objects()
    {
        await using var h = await ServerHarness.StartAsync();

        var (code, status) = await h.GetAsync("/apis/nope.example.com/v1/things");

        Assert.Equal(404, code);
        Assert.Equal("the server could not find the requested resource", status["message"]!.GetValue<string>());
        Assert.Equal(404, (await h.GetAsync("/api/v1/namespaces/default/pods/p/nosuchsub")).Code);
        Assert.Equal(405, (await h.PostAsync("/api/v1/namespaces/default/pods/p", "{}")).Code);
    }
}
