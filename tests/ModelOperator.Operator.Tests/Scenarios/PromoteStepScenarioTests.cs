using ModelOperator.Api;
using ModelOperator.Operator.Tests.Support;

namespace ModelOperator.Operator.Tests.Scenarios;

/// <summary>Given / When / Then: Argo Rollouts' promote and promote --full, written with the real kubectl annotate.</summary>
public sealed class PromoteStepScenarioTests
{
    [Fact]
    public async Task Promote_step_moves_past_one_pause_and_promote_past_all_the_rest()
    {
        // Given a canary waiting at the first of two open-ended pauses
        await using var bed = await OperatorTestBed.StartAsync();
        var dir = Directory.CreateTempSubdirectory("operator-kubectl-").FullName;
        var kubectl = new Kubectl(bed.Server.WriteKubeconfig(Path.Combine(dir, "kubeconfig"), OperatorTestBed.Namespace), dir);
        var steps = new List<RolloutStep>
        {
            new() { SetWeight = 25 }, new() { Pause = new PauseStep() }, new() { SetWeight = 50 }, new() { Pause = new PauseStep() }, new() { SetWeight = 75 },
        };
        var first = await ScenarioTests.HealthyAsync(bed, ScenarioTests.Md(steps: steps));
        await ScenarioTests.NewVersionAsync(bed, "2");
        var waiting = await bed.RunUntilAsync("churn", m => m.Status?.CurrentStepIndex == 1 && m.Status.Phase == Phases.Paused);
        var canary = waiting.Status!.CanaryRevision!.Name;

        // When a user annotates promote-step with kubectl
        (await kubectl.RunAsync("annotate", "md", "churn", $"{Annotations.Action}={ManualActions.PromoteStep}")).EnsureSuccess();
        var next = await bed.RunUntilAsync("churn", m => m.Status?.CurrentStepIndex == 3 && m.Status.Phase == Phases.Paused);

        // Then the canary went on one step (to 50%) and waits at the next pause, still a canary
        Assert.Equal(canary, next.Status!.CanaryRevision!.Name);
        Assert.Equal(first.Status!.StableRevision!.Name, next.Status.StableRevision!.Name);
        Assert.Equal(50, next.Status.CanaryWeight);
        Assert.False(next.Metadata.Annotations?.ContainsKey(Annotations.Action) == true);
        var events = (await kubectl.RunAsync("get", "events", "-o", "jsonpath={.items[*].message}")).EnsureSuccess().Stdout;
        Assert.Contains("step 2 of 5 (pause) finished by the promote-step action", events, StringComparison.Ordinal);

        // When they annotate promote (full)
        (await kubectl.RunAsync("annotate", "md", "churn", $"{Annotations.Action}={ManualActions.Promote}")).EnsureSuccess();
        var promoted = await bed.RunUntilAsync("churn", m => m.Status?.CanaryRevision is null);

        // Then the canary is stable, the remaining steps skipped
        Assert.Equal(canary, promoted.Status!.StableRevision!.Name);
        Assert.Equal(Reasons.ManualPromote, promoted.Status.LastDecision!.Reason);
    }
}
