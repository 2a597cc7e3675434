using ModelOperator.ApiServer.Tests.Support;

namespace ModelOperator.ApiServer.Tests.Http;

/// <summary>Server-side apply between two field managers: conflicts on owned fields, shared ownership, force.</summary>
public sealed class ApplyConflictTests
{
    private const string Path = "/apis/apps/v1/namespaces/default/deployments/web";
    private const string ApplyType = "application/apply-patch+yaml";

    private static string Config(int replicas, string image = "nginx:1.25") =>
        """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":""" + replicas
        + ""","selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":""" + "\"" + image + "\""
        + """}]}}}}""";

    [Fact]
    public async Task A_second_manager_changing_owned_fields_gets_409_naming_each_field_and_its_owner()
    {
        await using var h = await ServerHarness.StartAsync();
        Assert.Equal(201, (await h.SendAsync(HttpMethod.Patch, Path + "?fieldManager=gitops", Config(2), ApplyType)).Code);

        var (code, status) = await h.SendAsync(HttpMethod.Patch, Path + "?fieldManager=hpa", Config(5, "nginx:1.26"), ApplyType);

        Assert.Equal(409, code);
        Assert.Equal("Conflict", status["reason"]!.GetValue<string>());
        Assert.Equal("Apply failed with 2 conflicts: conflicts with \"gitops\":\n- .spec.replicas\n- .spec.template.spec.containers[name=\"c\"].image", status["message"]!.GetValue<string>());
        var causes = status["details"]!["causes"]!.AsArray();
        Assert.Equal([".spec.replicas", ".spec.template.spec.containers[name=\"c\"].image"], causes.Select(c => c!["field"]!.GetValue<string>()));
        Assert.All(causes, c => Assert.Equal(("FieldManagerConflict", "conflict with \"gitops\""), (c!["reason"]!.GetValue<string>(), c["message"]!.GetValue<string>())));
    }

    [Fact]
    public async Task The_same_values_are_shared_and_force_takes_ownership()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.SendAsync(HttpMethod.Patch, Path + "?fieldManager=gitops", Config(2), ApplyType);

        var (sameCode, _) = await h.SendAsync(HttpMethod.Patch, Path + "?fieldManager=other", Config(2), ApplyType);
        var (forcedCode, forced) = await h.SendAsync(HttpMethod.Patch, Path + "?fieldManager=hpa&force=true", """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":7}}""", ApplyType);
        var (backCode, _) = await h.SendAsync(HttpMethod.Patch, Path + "?fieldManager=gitops", Config(2), ApplyType);

        Assert.Equal(200, sameCode);
        Assert.Equal(200, forcedCode);
        Assert.Equal(7, forced["spec"]!["replicas"]!.GetValue<int>());
        var gitops = forced["metadata"]!["managedFields"]!.AsArray().Single(m => m!["manager"]!.GetValue<string>() == "gitops")!;
        Assert.Null(gitops["fieldsV1"]!["f:spec"]!["f:replicas"]); // gitops lost .spec.replicas
        Assert.Equal(409, backCode); // now hpa owns it
    }
}
