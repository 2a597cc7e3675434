using ModelOperator.Api;
using ModelOperator.EndToEnd.Tests.Support;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.EndToEnd.Tests;

/// <summary>
/// The shadow step end to end on the sandbox: the stable servers copy live requests to the candidate and compare its
/// answers with theirs; the candidate answers no user until the step passed.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ShadowEndToEndTests
{
    // A 20 s shadow step at 100 % (over a thousand compared copies per 15 s window at 80 requests a second), then a canary.
    private const string ShadowSteps = "    - shadow: {percent: 100, duration: 20s}\n    - setWeight: 50\n    - analysis: {}\n";

    /// <summary>The copies are judged by the example's own maxShadowDisagreement and shadowTolerance (0.05 each): v2 agrees with v1 within 0.05 on every reference row, v3 with v2 on about 5 %.</summary>
    private static string WithShadow(string manifest) => E2eSandbox.Steps(ShadowSteps)(manifest);

    private static bool RolledBack(ModelDeployment md) => md.Status?.Phase == Phases.RolledBack;

    private static bool InShadow(ModelDeployment md) => md.Status?.CanaryRevision is not null && md.Status.CurrentStepIndex == 0;

    [Fact]
    public async Task A_version_that_agrees_passes_its_shadow_step_and_one_that_does_not_is_rolled_back_before_any_user_saw_it()
    {
        await using var e2e = await E2eSandbox.StartAsync();

        // Given version 1 serving steady traffic
        await e2e.ApplyAsync(WithShadow(e2e.Manifest(1)));
        await e2e.WaitForPhaseAsync(Phases.Healthy);
        var traffic = e2e.StartTraffic(rate: 80); // 600 canary requests per 15 s window at 50 %

        // When version 2 (it agrees with version 1) is applied, Then its shadow step compares copies and passes
        await e2e.ApplyAsync(WithShadow(e2e.Manifest(2)));
        var shadowing = await e2e.WaitForAsync("copies of version 2 compared", md => InShadow(md) && md.Status!.LastDecision?.Shadow?.ComparedCopies > 0, failIf: RolledBack);
        var instruction = await e2e.Sandbox.Client.Resource<ConfigMap>().GetAsync(new ObjectKey("default", "churn-shadow"));
        Assert.Contains($"\"source\":\"{shadowing.Status!.StableRevision!.Name}\"", instruction.Data!["shadow.json"], StringComparison.Ordinal);
        Assert.Equal(0, shadowing.Status.CanaryWeight);
        Assert.False(traffic.AnsweredByVersion.ContainsKey("2"), "a user got an answer from version 2 during its shadow step");

        // And it continues as a canary, is promoted, and no instruction is left
        await e2e.WaitForAsync("version 2 at its canary steps", md => md.Status?.CurrentStepIndex >= 1, failIf: RolledBack);
        await e2e.WaitForAsync("version 2 promoted", md => md.Status?.StableRevision?.ModelVersion == "2" && md.Status.CanaryRevision is null, failIf: RolledBack);
        await e2e.WaitForAsync("the bake window to end", md => md.Status?.Phase == Phases.Healthy && (md.Status.BakeUntil is null || md.Status.BakeUntil <= DateTimeOffset.UtcNow));
        Assert.DoesNotContain((await e2e.Sandbox.Client.Resource<ConfigMap>().ListAsync("default")).Items, c => c.Metadata.Name == "churn-shadow");

        // When version 3 (its predictions are shifted) is applied, Then it is rolled back during its shadow step on the disagreement
        await e2e.ApplyAsync(WithShadow(e2e.Manifest(3)));
        var rolledBack = await e2e.WaitForPhaseAsync(Phases.RolledBack);
        var decision = rolledBack.Status!.LastDecision!;
        Assert.Equal(("Rollback", Reasons.ShadowDisagreement, "shadowDisagreement"), (decision.Action, decision.Reason, decision.Metric));
        Assert.True(decision.Shadow!.Disagreement > 0.05, $"disagreement {decision.Shadow.Disagreement}");
        Assert.True(decision.Shadow.ComparedCopies >= 300, $"{decision.Shadow.ComparedCopies} copies compared");

        // And no user request was ever answered by version 3
        Assert.False(traffic.AnsweredByVersion.ContainsKey("3"), "a user got an answer from version 3");
        Assert.True(traffic.AnsweredByVersion.GetValueOrDefault("2") > 0);
        e2e.AssertTheOperatorCalledOnlyWhatTheChartGrants();
    }
}
