using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Tests.Support;

namespace ModelOperator.ApiServer.Tests.Kubectl;

/// <summary>The real kubectl applies CRDs, custom resources and Deployments, client-side and server-side.</summary>
public sealed class KubectlApplyTests
{
    [Fact]
    public async Task Client_side_apply_creates_then_configures_a_crd_a_widget_and_a_deployment()
    {
        await using var h = await ServerHarness.StartAsync();

        // Given a CRD applied with validation on (the default)
        Assert.Contains("widgets.example.com created", (await h.Kubectl.ApplyAsync(Manifests.WidgetCrd)).Stdout, StringComparison.Ordinal);

        // When a widget and a deployment are applied, then applied again unchanged, then changed
        Assert.Contains("widget.example.com/w1 created", (await h.Kubectl.ApplyAsync(Manifests.Widget("w1"))).Stdout, StringComparison.Ordinal);
        Assert.Contains("deployment.apps/web created", (await h.Kubectl.ApplyAsync(Manifests.Deployment("web"))).Stdout, StringComparison.Ordinal);
        Assert.Contains("widget.example.com/w1 unchanged", (await h.Kubectl.ApplyAsync(Manifests.Widget("w1"))).Stdout, StringComparison.Ordinal);
        Assert.Contains("widget.example.com/w1 configured", (await h.Kubectl.ApplyAsync(Manifests.Widget("w1", color: "blue"))).Stdout, StringComparison.Ordinal);
        Assert.Contains("deployment.apps/web configured", (await h.Kubectl.ApplyAsync(Manifests.Deployment("web", image: "nginx:1.26"))).Stdout, StringComparison.Ordinal);

        // Then the server holds the new spec, defaults filled in and generation bumped once per spec change
        var (_, widget) = await h.GetAsync("/apis/example.com/v1/namespaces/default/widgets/w1");
        Assert.Equal("blue", widget["spec"]!["color"]!.GetValue<string>());
        Assert.Equal(1, widget["spec"]!["replicas"]!.GetValue<long>());
        Assert.Equal(2, widget["metadata"]!["generation"]!.GetValue<long>());
        Assert.NotNull(widget["metadata"]!["annotations"]!["kubectl.kubernetes.io/last-applied-configuration"]);

        var (_, deployment) = await h.GetAsync("/apis/apps/v1/namespaces/default/deployments/web");
        var containers = deployment["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        Assert.Single(containers);
        Assert.Equal("nginx:1.26", containers[0]!["image"]!.GetValue<string>());
        Assert.Equal("MODE", containers[0]!["env"]![0]!["name"]!.GetValue<string>());
        Assert.Equal(2, deployment["metadata"]!["generation"]!.GetValue<long>());
        Assert.Equal(1, h.Server.Writes("deployments", "default", "web").Patches);
    }

    [Fact]
    public async Task Server_side_apply_creates_then_merges_under_the_kubectl_field_manager()
    {
        await using var h = await ServerHarness.StartAsync();

        Assert.Contains("serverside-applied", (await h.Kubectl.ApplyAsync(Manifests.WidgetCrd, "--server-side")).Stdout, StringComparison.Ordinal);
        await h.Kubectl.ApplyAsync(Manifests.Widget("w1", replicas: 3), "--server-side");
        await h.Kubectl.ApplyAsync(Manifests.Deployment("web"), "--server-side");
        await h.Kubectl.ApplyAsync(Manifests.Widget("w1", color: "green"), "--server-side");
        await h.Kubectl.ApplyAsync(Manifests.Deployment("web", replicas: 5), "--server-side");

        var (_, widget) = await h.GetAsync("/apis/example.com/v1/namespaces/default/widgets/w1");
        Assert.Equal("green", widget["spec"]!["color"]!.GetValue<string>());
        // replicas was applied before and dropped now, so apply removed it and the default came back
        Assert.Equal(1, widget["spec"]!["replicas"]!.GetValue<long>());
        var managed = widget["metadata"]!["managedFields"]!.AsArray();
        var entry = Assert.Single(managed);
        Assert.Equal("kubectl", entry!["manager"]!.GetValue<string>());
        Assert.Equal("Apply", entry["operation"]!.GetValue<string>());

        var (_, deployment) = await h.GetAsync("/apis/apps/v1/namespaces/default/deployments/web");
        Assert.Equal(5, deployment["spec"]!["replicas"]!.GetValue<long>());
        Assert.Equal(2, h.Server.Writes("deployments", "default", "web").Applies);
    }

    [Fact]
    public async Task An_invalid_widget_is_rejected_with_messages_naming_each_field()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.Kubectl.ApplyAsync(Manifests.WidgetCrd);

        var result = await h.Kubectl.RunWithInputAsync(Manifests.Widget("bad", color: "purple", replicas: 50), "apply", "-f", "-");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("spec.color: Unsupported value: \"purple\": supported values: \"red\", \"green\", \"blue\"", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("spec.replicas: Invalid value: 50: spec.replicas in body should be less than or equal to 10", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(404, (await h.GetAsync("/apis/example.com/v1/namespaces/default/widgets/bad")).Code);
    }

    [Fact]
    public async Task An_unknown_field_is_rejected_because_kubectl_asks_for_strict_validation()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.Kubectl.ApplyAsync(Manifests.WidgetCrd);

        var result = await h.Kubectl.RunWithInputAsync(Manifests.Widget("w1") + "\n  flavour: mint\n", "apply", "-f", "-");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("unknown field \"spec.flavour\"", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_shows_the_description_and_enum_of_a_custom_resource_field()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.Kubectl.ApplyAsync(Manifests.WidgetCrd);

        var result = (await h.Kubectl.RunAsync("explain", "widgets.spec.color")).EnsureSuccess();

        Assert.Contains("KIND:       Widget", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("FIELD: color <string>", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("The colour the widget is painted in.", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("green", result.Stdout, StringComparison.Ordinal);
    }

    internal static JsonObject? Row(JsonObject table, string name) =>
        table["rows"]!.AsArray().OfType<JsonObject>().FirstOrDefault(r => r["cells"]![0]!.GetValue<string>() == name);
}
