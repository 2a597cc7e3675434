using ModelOperator.ApiServer.Tests.Support;

namespace ModelOperator.ApiServer.Tests.Http;

/// <summary>Finalizers, garbage collection through ownerReferences, propagation policies, namespaces and CRDs.</summary>
public sealed class DeletionTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    [Fact]
    public async Task A_dependent_whose_owner_never_existed_is_collected_unless_the_owner_kind_is_unknown()
    {
        await using var h = await ServerHarness.StartAsync();
        const string Ghost = """{"apiVersion":"v1","kind":"ConfigMap","name":"ghost","uid":"00000000-0000-0000-0000-000000000001"}""";
        const string Unknown = """{"apiVersion":"example.com/v9","kind":"Gadget","name":"g","uid":"00000000-0000-0000-0000-000000000002"}""";

        var (code, _) = await h.PostAsync(ConfigMaps, Child("orphan", Ghost));
        await h.CreateAsync(ConfigMaps, Child("unresolvable", Unknown));

        Assert.Equal(201, code); // accepted, then collected
        Assert.Equal(404, (await h.GetAsync(ConfigMaps + "/orphan")).Code);
        Assert.Equal(200, (await h.GetAsync(ConfigMaps + "/unresolvable")).Code);
    }

    [Fact]
    public async Task Delete_answers_a_Status_for_most_kinds_and_the_object_for_pods_or_while_finalizers_hold_it()
    {
        await using var h = await ServerHarness.StartAsync();
        var cm = await h.CreateAsync(ConfigMaps, """{"metadata":{"name":"plain"}}""");
        await h.CreateAsync(ConfigMaps, """{"metadata":{"name":"held","finalizers":["example.com/hold"]}}""");
        await h.CreateAsync("/api/v1/namespaces/default/pods", """{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"nginx:1.25"}]}}""");

        var (plainCode, plain) = await h.DeleteAsync(ConfigMaps + "/plain");
        var (_, held) = await h.DeleteAsync(ConfigMaps + "/held");
        var (_, pod) = await h.DeleteAsync("/api/v1/namespaces/default/pods/p");

        Assert.Equal(200, plainCode);
        Assert.Equal(
            $$$"""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"plain","group":"","kind":"configmaps","uid":"{{{cm["metadata"]!["uid"]!.GetValue<string>()}}}"}}""",
            plain.ToJsonString());
        Assert.Equal("ConfigMap", held["kind"]!.GetValue<string>());
        Assert.NotNull(held["metadata"]!["deletionTimestamp"]);
        Assert.Equal("Pod", pod["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task Background_deletion_collects_dependents_whose_only_owner_is_gone()
    {
        await using var h = await ServerHarness.StartAsync();
        var owner = await h.CreateAsync(ConfigMaps, """{"metadata":{"name":"owner"}}""");
        var other = await h.CreateAsync(ConfigMaps, """{"metadata":{"name":"other"}}""");
        await h.CreateAsync(ConfigMaps, Child("child", Ref(owner)));
        await h.CreateAsync(ConfigMaps, Child("shared", Ref(owner) + "," + Ref(other)));
        await h.CreateAsync(ConfigMaps, Child("grandchild", Ref(await Get(h, "child"))));

        var (code, _) = await h.DeleteAsync(ConfigMaps + "/owner");

        Assert.Equal(200, code);
        Assert.Equal(404, (await h.GetAsync(ConfigMaps + "/child")).Code);
        Assert.Equal(404, (await h.GetAsync(ConfigMaps + "/grandchild")).Code);
        var (_, shared) = await h.GetAsync(ConfigMaps + "/shared");
        Assert.Equal(["other"], shared["metadata"]!["ownerReferences"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Orphan_deletion_keeps_dependents_and_drops_their_owner_reference()
    {
        await using var h = await ServerHarness.StartAsync();
        var owner = await h.CreateAsync(ConfigMaps, """{"metadata":{"name":"owner"}}""");
        await h.CreateAsync(ConfigMaps, Child("child", Ref(owner)));

        await h.DeleteAsync(ConfigMaps + "/owner", """{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Orphan"}""");

        var (code, child) = await h.GetAsync(ConfigMaps + "/child");
        Assert.Equal(200, code);
        Assert.Null(child["metadata"]!["ownerReferences"]);
    }

    [Fact]
    public async Task Foreground_deletion_keeps_the_owner_until_its_last_dependent_is_gone()
    {
        await using var h = await ServerHarness.StartAsync();
        var owner = await h.CreateAsync(ConfigMaps, """{"metadata":{"name":"owner"}}""");
        await h.CreateAsync(ConfigMaps, Child("child", Ref(owner), finalizers: "[\"example.com/hold\"]"));

        var (_, deleting) = await h.DeleteAsync(ConfigMaps + "/owner", """{"propagationPolicy":"Foreground"}""");
        Assert.NotNull(deleting["metadata"]!["deletionTimestamp"]);
        Assert.Equal(["foregroundDeletion"], deleting["metadata"]!["finalizers"]!.AsArray().Select(f => f!.GetValue<string>()));
        var (_, child) = await h.GetAsync(ConfigMaps + "/child");
        Assert.NotNull(child["metadata"]!["deletionTimestamp"]);

        await h.PatchAsync(ConfigMaps + "/child", """{"metadata":{"finalizers":null}}""");

        Assert.Equal(404, (await h.GetAsync(ConfigMaps + "/child")).Code);
        Assert.Equal(404, (await h.GetAsync(ConfigMaps + "/owner")).Code);
    }

    [Fact]
    public async Task A_finalizer_cannot_be_added_to_an_object_being_deleted_and_delete_preconditions_are_checked()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.CreateAsync(ConfigMaps, """{"metadata":{"name":"a","finalizers":["x/one"]}}""");

        var (precondition, conflict) = await h.DeleteAsync(ConfigMaps + "/a", """{"preconditions":{"uid":"not-the-uid"}}""");
        Assert.Equal(409, precondition);
        Assert.Contains("Precondition failed: UID in precondition: not-the-uid", conflict["message"]!.GetValue<string>(), StringComparison.Ordinal);

        await h.DeleteAsync(ConfigMaps + "/a");
        var (code, status) = await h.PatchAsync(ConfigMaps + "/a", """{"metadata":{"finalizers":["x/one","x/two"]}}""");
        Assert.Equal(422, code);
        Assert.Contains("no new finalizers can be added if the object is being deleted", status["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_a_namespace_deletes_its_contents_and_waits_for_their_finalizers()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.CreateAsync("/api/v1/namespaces", """{"metadata":{"name":"team"}}""");
        await h.CreateAsync("/api/v1/namespaces/team/configmaps", """{"metadata":{"name":"plain"}}""");
        await h.CreateAsync("/api/v1/namespaces/team/configmaps", """{"metadata":{"name":"held","finalizers":["x/hold"]}}""");

        var (_, ns) = await h.DeleteAsync("/api/v1/namespaces/team");
        Assert.Equal("Terminating", ns["status"]!["phase"]!.GetValue<string>());
        Assert.Equal(404, (await h.GetAsync("/api/v1/namespaces/team/configmaps/plain")).Code);
        var (forbidden, status) = await h.PostAsync("/api/v1/namespaces/team/configmaps", """{"metadata":{"name":"late"}}""");
        Assert.Equal(403, forbidden);
        Assert.Contains("because it is being terminated", status["message"]!.GetValue<string>(), StringComparison.Ordinal);

        await h.PatchAsync("/api/v1/namespaces/team/configmaps/held", """{"metadata":{"finalizers":null}}""");

        Assert.Equal(404, (await h.GetAsync("/api/v1/namespaces/team")).Code);
    }

    [Fact]
    public async Task A_crd_is_served_in_discovery_until_deleted_and_its_objects_go_with_it()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.InstallWidgetCrdAsync();
        await h.CreateAsync("/apis/example.com/v1/namespaces/default/widgets", Manifests.ToJson(Manifests.Widget("w")));
        var (_, crd) = await h.GetAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com");
        Assert.Contains(crd["status"]!["conditions"]!.AsArray(), c => c!["type"]!.GetValue<string>() == "Established" && c["status"]!.GetValue<string>() == "True");

        var (_, resources) = await h.GetAsync("/apis/example.com/v1");
        var names = resources["resources"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()).ToArray();
        Assert.Equal(["widgets", "widgets/status", "widgets/scale"], names);

        await h.DeleteAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com");

        Assert.Equal(404, (await h.GetAsync("/apis/example.com/v1")).Code);
        Assert.Equal(404, (await h.GetAsync("/apis/example.com/v1/namespaces/default/widgets/w")).Code);
        await h.InstallWidgetCrdAsync();
        Assert.Equal(404, (await h.GetAsync("/apis/example.com/v1/namespaces/default/widgets/w")).Code);
    }

    private static async Task<System.Text.Json.Nodes.JsonObject> Get(ServerHarness h, string name) => (await h.GetAsync(ConfigMaps + "/" + name)).Body;

    private static string Ref(System.Text.Json.Nodes.JsonObject owner) =>
        $$$"""{"apiVersion":"v1","kind":"ConfigMap","name":"{{{owner["metadata"]!["name"]}}}","uid":"{{{owner["metadata"]!["uid"]}}}"}""";

    private static string Child(string name, string refs, string finalizers = "[]") =>
        $$$"""{"metadata":{"name":"{{{name}}}","ownerReferences":[{{{refs}}}],"finalizers":{{{finalizers}}}}}""";
}
