using ModelOperator.Api;
using ModelOperator.Rollouts.Planning;
using static ModelOperator.Rollouts.Tests.Planning.ModelDeployments;

namespace ModelOperator.Rollouts.Tests.Planning;

/// <summary>
/// The promote-step action (Argo Rollouts' plain promote): the step the canary waits at is finished and the next one
/// starts; on the last step the canary is promoted. The promote action (Argo's promote --full) skips them all.
/// </summary>
public sealed class PromoteStepTests
{
    /// <summary>A step the canary waits at until a person moves it on: steps, where it waits, what the decision says.</summary>
    public sealed record Case(IReadOnlyList<RolloutStep> Steps, int WaitsAt, string Finished, bool PromotesCanary = false);

    public static TheoryData<string> Cases => new(Table.Keys);

    private static readonly Dictionary<string, Case> Table = new()
    {
        // Each is followed by an open-ended pause, so that the canary visibly stops at the next step.
        ["pause without duration"] = new([Weight(20), Pause(), Pause()], 1, "step 2 of 3 (pause)"),
        ["timed pause, long before it ends"] = new([Weight(20), Pause("1h"), Pause()], 1, "step 2 of 3 (pause 1h)"),
        ["analysis not passed yet (inconclusive)"] = new([Weight(20), Analyze(), Pause()], 1, "step 2 of 3 (analysis)"),
        ["the last step"] = new([Weight(20), Pause()], 1, "step 2 of 2 (pause)", PromotesCanary: true),
        ["the first step"] = new([Pause(), Pause()], 0, "step 1 of 2 (pause)"),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Promote_step_finishes_the_step_the_canary_waits_at(string name)
    {
        // Given a canary waiting at a step (too few samples keep an analysis inconclusive)
        var row = Table[name];
        var cluster = new FakeCluster(Create("1", row.Steps, Thresholds(), replicas: 5, progressDeadline: "2h"));
        cluster.RunUntil(c => c.Status.Phase == Phases.Healthy);
        cluster.Behave("2", new PodBehaviour { Metrics = _ => new AnalysisResultValues(Samples: 1) });
        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.CurrentStepIndex == row.WaitsAt && c.Status.LastDecision?.Action == DecisionActions.Pause, tick: TimeSpan.FromSeconds(5));
        cluster.RunFor(TimeSpan.FromMinutes(1), tick: TimeSpan.FromSeconds(5));
        Assert.Equal(row.WaitsAt, cluster.Status.CurrentStepIndex);
        var canary = cluster.Status.CanaryRevision!.Name;

        // When promote-step is annotated
        cluster.Update(md => md.Annotated(Annotations.Action, ManualActions.PromoteStep));
        var plan = cluster.Reconcile();

        // Then that one step is finished (recorded, with an Event), the annotation removed
        var stepEvent = Assert.Single(plan.Events, e => e.Reason == Reasons.ManualPromote);
        Assert.Equal($"{row.Finished} finished by the promote-step action", stepEvent.Message);
        Assert.Null(plan.Annotations[Annotations.Action]);
        Assert.False(cluster.Md.Metadata.Annotations!.ContainsKey(Annotations.Action));
        if (row.PromotesCanary)
        {
            // the last step finished: the canary is promoted as after its steps
            Assert.Equal(canary, cluster.Status.StableRevision!.Name);
            Assert.Null(cluster.Status.CanaryRevision);
            Assert.Equal((DecisionActions.Promote, Reasons.Promoted), (cluster.Status.LastDecision!.Action, cluster.Status.LastDecision.Reason));
            return;
        }

        // and only that one: the canary goes on with the next step and is not promoted
        Assert.Equal(row.WaitsAt + 1, cluster.Status.CurrentStepIndex);
        Assert.Equal(canary, cluster.Status.CanaryRevision!.Name);
        Assert.NotEqual(canary, cluster.Status.StableRevision!.Name);
        var again = cluster.Reconcile();
        Assert.DoesNotContain(again.Events, e => e.Reason == Reasons.ManualPromote);
        Assert.Equal(canary, cluster.Status.CanaryRevision!.Name);
    }

    [Fact]
    public void Promote_step_then_promote_goes_one_step_and_then_all_the_way()
    {
        // Given a canary at the first of two open-ended pauses
        var cluster = new FakeCluster(Create("1", [Weight(20), Pause(), Weight(40), Pause(), Weight(100)], Thresholds(), replicas: 5));
        cluster.RunUntil(c => c.Status.Phase == Phases.Healthy);
        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.Phase == Phases.Paused);
        var canary = cluster.Status.CanaryRevision!.Name;

        // When promote-step is annotated, the canary moves to the next pause and waits there
        cluster.Update(md => md.Annotated(Annotations.Action, ManualActions.PromoteStep));
        cluster.RunUntil(c => c.Status.CurrentStepIndex == 3 && c.Status.Phase == Phases.Paused);
        Assert.Equal(40, cluster.Status.CanaryWeight);
        Assert.Equal(canary, cluster.Status.CanaryRevision!.Name);

        // When promote (full) is annotated, it is stable at once
        cluster.Update(md => md.Annotated(Annotations.Action, ManualActions.Promote));
        cluster.Reconcile();
        Assert.Equal(canary, cluster.Status.StableRevision!.Name);
        Assert.Equal((DecisionActions.Promote, Reasons.ManualPromote), (cluster.Status.LastDecision!.Action, cluster.Status.LastDecision.Reason));
    }
}
