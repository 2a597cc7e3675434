using ModelOperator.ApiServer.Tests.Support;

namespace ModelOperator.ApiServer.Tests.Kubectl;

/// <summary>kubectl patch, delete with finalizers, wait and rollout status against the server.</summary>
public sealed class KubectlLifecycleTests
{
    private const string W1 = "/apis/example.com/v1/namespaces/default/widgets/w1";

    [Fact]
    public async Task Patch_merges_into_spec_and_the_status_subresource_only_touches_status()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.Kubectl.ApplyAsync(Manifests.WidgetCrd);
        await h.Kubectl.ApplyAsync(Manifests.Widget("w1"));

        (await h.Kubectl.RunAsync("patch", "widget", "w1", "--type=merge", "-p", """{"spec":{"replicas":3}}""")).EnsureSuccess();
        (await h.Kubectl.RunAsync("patch", "widget", "w1", "--subresource=status", "--type=merge", "-p",
            """{"spec":{"replicas":9},"status":{"replicas":3,"conditions":[{"type":"Ready","status":"True"}]}}""")).EnsureSuccess();

        var (_, widget) = await h.GetAsync(W1);
        Assert.Equal(3, widget["spec"]!["replicas"]!.GetValue<long>());
        Assert.Equal(3, widget["status"]!["replicas"]!.GetValue<long>());
        Assert.Equal(2, widget["metadata"]!["generation"]!.GetValue<long>());
        var row = KubectlGetTests.Words((await h.Kubectl.RunAsync("get", "widget", "w1", "--no-headers")).EnsureSuccess().Lines[0]);
        Assert.Equal(["w1", "red", "3", "True"], row[..4]);
        var counts = h.Server.Writes("widgets", "default", "w1");
        Assert.Equal((1, 1), (counts.Patches, counts.StatusPatches));
    }

    [Fact]
    public async Task Delete_with_a_pending_finalizer_keeps_the_object_until_the_finalizer_is_removed()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.Kubectl.ApplyAsync(Manifests.WidgetCrd);
        await h.Kubectl.ApplyAsync(Manifests.Widget("w1"));
        (await h.Kubectl.RunAsync("patch", "widget", "w1", "--type=merge", "-p", """{"metadata":{"finalizers":["example.com/cleanup"]}}""")).EnsureSuccess();

        (await h.Kubectl.RunAsync("delete", "widget", "w1", "--wait=false")).EnsureSuccess();

        var stamp = (await h.Kubectl.RunAsync("get", "widget", "w1", "-o", "jsonpath={.metadata.deletionTimestamp}")).EnsureSuccess().Stdout;
        Assert.Matches("^[0-9]{4}-[0-9]{2}-[0-9]{2}T", stamp);

        (await h.Kubectl.RunAsync("patch", "widget", "w1", "--type=json", "-p", """[{"op":"remove","path":"/metadata/finalizers"}]""")).EnsureSuccess();

        var gone = await h.Kubectl.RunAsync("get", "widget", "w1");
        Assert.NotEqual(0, gone.ExitCode);
        Assert.Contains("widgets.example.com \"w1\" not found", gone.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wait_for_condition_returns_once_the_status_says_ready()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.Kubectl.ApplyAsync(Manifests.WidgetCrd);
        await h.Kubectl.ApplyAsync(Manifests.Widget("w1"));

        var wait = h.Kubectl.RunAsync("wait", "--for=condition=Ready", "widget/w1", "--timeout=30s");
        await KubectlGetTests.WaitForWatchAsync(h);
        Assert.False(wait.IsCompleted);

        var (code, _) = await h.PatchAsync(W1 + "/status", """{"status":{"conditions":[{"type":"Ready","status":"True","reason":"Built"}]}}""");
        Assert.Equal(200, code);

        var result = (await wait).EnsureSuccess();
        Assert.Contains("widget.example.com/w1 condition met", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rollout_status_follows_the_deployment_status_the_test_advances()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.Kubectl.ApplyAsync(Manifests.Deployment("web", replicas: 2));
        const string status = "/apis/apps/v1/namespaces/default/deployments/web/status";

        using var rollout = h.Kubectl.Start("rollout", "status", "deployment/web", "--timeout=60s");
        await rollout.WaitForLineAsync(l => l.Contains("Waiting for deployment spec update to be observed", StringComparison.Ordinal));

        await h.PatchAsync(status, """{"status":{"observedGeneration":1,"replicas":2,"updatedReplicas":1,"availableReplicas":0}}""");
        await rollout.WaitForLineAsync(l => l.Contains("1 out of 2 new replicas have been updated", StringComparison.Ordinal));

        await h.PatchAsync(status, """{"status":{"observedGeneration":1,"replicas":2,"updatedReplicas":2,"readyReplicas":1,"availableReplicas":1}}""");
        await rollout.WaitForLineAsync(l => l.Contains("1 of 2 updated replicas are available", StringComparison.Ordinal));

        await h.PatchAsync(status, """{"status":{"observedGeneration":1,"replicas":2,"updatedReplicas":2,"readyReplicas":2,"availableReplicas":2}}""");
        await rollout.WaitForLineAsync(l => l.Contains("deployment \"web\" successfully rolled out", StringComparison.Ordinal));
    }
}
