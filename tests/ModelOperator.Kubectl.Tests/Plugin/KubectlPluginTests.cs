using ModelOperator.Api;
using ModelOperator.Kubectl.Tests.Support;

namespace ModelOperator.Kubectl.Tests.Plugin;

/// <summary>
/// The plugin as users run it: the real kubectl finds kubectl-model on PATH and hands it the arguments after
/// <c>kubectl model</c>. What it changed is checked with plain kubectl.
/// </summary>
public sealed class KubectlPluginTests
{
    [Fact]
    public async Task Kubectl_model_status_prints_the_state()
    {
        await using var bed = await PluginTestBed.StartAsync();
        await bed.SeedAsync(Fixtures.RolledBack());

        var result = (await bed.KubectlAsync("model", "status", "churn")).Succeeded();

        Assert.Contains("Phase:          RolledBack", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Quarantined:    churn-bbbbbbbbbb (model version 2): HighErrorRate", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kubectl_model_promote_writes_the_annotation_plain_kubectl_reads_back()
    {
        await using var bed = await PluginTestBed.StartAsync();
        await bed.SeedAsync(Fixtures.Canary(ns: "serving"));

        // --kubeconfig after the plugin's name, since kubectl passes no flags of its own to plugins
        var result = (await bed.KubectlAsync(false, "model", "promote", "churn", "-n", "serving", "--kubeconfig", bed.Kubeconfig)).Succeeded();
        var annotation = (await bed.KubectlAsync("get", "md", "churn", "-n", "serving", "-o", @"jsonpath={.metadata.annotations.modeloperator\.io/action}")).Succeeded();

        // one step, as Argo Rollouts' promote
        Assert.StartsWith("modeldeployment.modeloperator.io/churn: promote-step requested (annotation modeloperator.io/action=promote-step)", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(ManualActions.PromoteStep, annotation.Stdout.Trim());

        // and every step with --full, as Argo Rollouts' promote --full
        var full = (await bed.KubectlAsync(false, "model", "promote", "churn", "--full", "-n", "serving", "--kubeconfig", bed.Kubeconfig)).Succeeded();
        var fullAnnotation = (await bed.KubectlAsync("get", "md", "churn", "-n", "serving", "-o", @"jsonpath={.metadata.annotations.modeloperator\.io/action}")).Succeeded();
        Assert.StartsWith("modeldeployment.modeloperator.io/churn: promote requested (annotation modeloperator.io/action=promote); it replaces the pending action 'promote-step'", full.Stdout, StringComparison.Ordinal);
        Assert.Equal(ManualActions.Promote, fullAnnotation.Stdout.Trim());
    }

    [Fact]
    public async Task Kubectl_model_pause_sets_spec_paused()
    {
        await using var bed = await PluginTestBed.StartAsync();
        await bed.SeedAsync(Fixtures.Canary());

        (await bed.KubectlAsync("model", "pause", "churn")).Succeeded();
        var paused = (await bed.KubectlAsync("get", "md", "churn", "-o", "jsonpath={.spec.paused}")).Succeeded();

        Assert.Equal("true", paused.Stdout.Trim());
    }

    [Fact]
    public async Task Errors_come_back_through_kubectl_with_exit_code_1()
    {
        await using var bed = await PluginTestBed.StartAsync();
        await bed.SeedAsync(Fixtures.ThreePromotions());

        var noRevision = await bed.KubectlAsync("model", "undo", "churn", "--to-revision", "9");
        var unknown = await bed.KubectlAsync("model", "frobnicate", "churn");
        var missing = await bed.KubectlAsync("model", "history", "nope");

        Assert.Equal(1, noRevision.ExitCode);
        Assert.Contains("error: undo: revision 9 is not in the history of churn", noRevision.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("unknown command \"frobnicate\"", unknown.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("\"nope\" not found", missing.Stderr, StringComparison.Ordinal);
    }
}
