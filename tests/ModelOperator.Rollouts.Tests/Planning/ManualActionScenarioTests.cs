using ModelOperator.Api;
using ModelOperator.Rollouts.Planning;
using static ModelOperator.Rollouts.Tests.Planning.ModelDeployments;
using static ModelOperator.Rollouts.Tests.Planning.PromotionScenarioTests;

namespace ModelOperator.Rollouts.Tests.Planning;

public sealed class ManualActionScenarioTests
{
    private static readonly IReadOnlyList<RolloutStep> Steps = [Weight(20), Pause(), Weight(60), Pause(), Weight(100)];

    private static FakeCluster Deployed(string bake = "0s")
    {
        var cluster = new FakeCluster(Create("1", Steps, Thresholds(), replicas: 5, bakeTime: bake));
        cluster.RunUntil(c => c.Status.Phase == Phases.Healthy);
        return cluster;
    }

    private static FakeCluster Canary(string version = "2", string bake = "0s")
    {
        var cluster = Deployed(bake);
        cluster.Update(md => md.WithVersion(version));
        cluster.RunUntil(c => c.Status.Phase == Phases.Paused);
        return cluster;
    }

    [Fact]
    public void Promote_skips_the_remaining_steps_once_and_removes_the_annotation()
    {
        // Given a canary paused at its first pause step
        var cluster = Canary();
        var canary = cluster.Status.CanaryRevision!.Name;

        // When the promote action is annotated
        cluster.Update(md => md.Annotated(Annotations.Action, ManualActions.Promote));
        var plan = cluster.Reconcile();

        // Then the canary is stable now, the action is recorded and its annotation removed
        Assert.Equal(canary, cluster.Status.StableRevision!.Name);
        Assert.Null(cluster.Status.CanaryRevision);
        Assert.Equal((DecisionActions.Promote, Reasons.ManualPromote), (cluster.Status.LastDecision!.Action, cluster.Status.LastDecision.Reason));
        Assert.True(plan.Annotations.ContainsKey(Annotations.Action));
        Assert.Null(plan.Annotations[Annotations.Action]);
        Assert.False(cluster.Md.Metadata.Annotations!.ContainsKey(Annotations.Action));
        Assert.Contains(plan.Events, e => e.Reason == Reasons.ManualPromote);

        // And it is handled only once
        var again = cluster.Reconcile();
        Assert.DoesNotContain(again.Events, e => e.Reason == Reasons.ManualPromote);
    }

    [Fact]
    public void Abort_rolls_the_canary_back_and_the_same_spec_does_not_start_it_again()
    {
        var cluster = Canary();
        var canary = cluster.Status.CanaryRevision!.Name;

        cluster.Update(md => md.Annotated(Annotations.Action, ManualActions.Abort));
        cluster.Reconcile();

        Assert.Equal(Phases.RolledBack, cluster.Status.Phase);
        Assert.Equal(Reasons.ManualAbort, cluster.Status.LastDecision!.Reason);
        Assert.Equal((canary, Reasons.ManualAbort), (cluster.Status.QuarantinedRevisions!.Single().Name, cluster.Status.QuarantinedRevisions!.Single().Reason));

        // The spec still asks for version 2, but it stays quarantined
        cluster.RunFor(TimeSpan.FromMinutes(10));
        Assert.Null(cluster.Status.CanaryRevision);
        Assert.Equal(Phases.RolledBack, cluster.Status.Phase);
    }

    [Fact]
    public void Reapplying_the_quarantined_spec_starts_nothing_but_retry_or_a_new_spec_does()
    {
        // Given version 2 was rolled back for a high error rate
        var cluster = Deployed();
        cluster.Behave("2", new PodBehaviour { Metrics = _ => new AnalysisResultValues(ErrorRate: 0.3) });
        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.Phase == Phases.RolledBack);
        var quarantined = cluster.Status.QuarantinedRevisions!.Single().Name;

        // When the same spec is applied again (a new generation, equal model and runtime)
        cluster.Update(md => md.WithSpec(s => s));
        cluster.RunFor(TimeSpan.FromMinutes(2));

        // Then no canary starts
        Assert.Null(cluster.Status.CanaryRevision);
        Assert.Equal(Phases.RolledBack, cluster.Status.Phase);

        // When the retry action is annotated (and the error rate is fixed)
        cluster.Behave("2", PodBehaviour.Good);
        cluster.Update(md => md.Annotated(Annotations.Action, ManualActions.Retry));
        cluster.Reconcile();

        // Then the quarantine is lifted and a new canary of the same revision starts
        Assert.Null(cluster.Status.QuarantinedRevisions);
        Assert.Equal(quarantined, cluster.Status.CanaryRevision!.Name);
        Assert.Contains(cluster.Events, e => e.Reason == Reasons.ManualRetry);
        Assert.Equal(ConditionStatus.False, Condition(cluster, Conditions.RolledBack));
        cluster.RunUntil(c => c.Status.Phase == Phases.Paused);
        cluster.Update(md => md.Annotated(Annotations.Action, ManualActions.Promote));
        cluster.Reconcile();
        Assert.Equal(quarantined, cluster.Status.StableRevision!.Name);
    }

    [Fact]
    public void A_new_spec_after_a_rollback_starts_a_canary_and_clears_rolled_back()
    {
        var cluster = Deployed();
        cluster.Behave("2", new PodBehaviour { CrashLoops = true });
        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.Phase == Phases.RolledBack);

        cluster.Update(md => md.WithVersion("3"));
        cluster.Reconcile();

        Assert.Equal("3", cluster.Status.CanaryRevision!.ModelVersion);
        Assert.Equal(ConditionStatus.False, Condition(cluster, Conditions.RolledBack));
        Assert.Equal(ConditionStatus.False, Condition(cluster, Conditions.Degraded));
        Assert.Single(cluster.Status.QuarantinedRevisions!); // version 2 stays quarantined
    }

    [Fact]
    public void Undo_without_a_number_goes_back_to_the_previous_revision_and_quarantines_the_spec()
    {
        // Given version 2 was promoted over version 1
        var cluster = Deployed();
        var v1 = cluster.Status.StableRevision!.Name;
        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.Phase == Phases.Paused);
        cluster.Update(md => md.Annotated(Annotations.Action, ManualActions.Promote));
        cluster.RunUntil(c => c.Status.Phase == Phases.Healthy);
        var v2 = cluster.Status.StableRevision!.Name;

        // When undo is annotated
        cluster.Update(md => md.Annotated(Annotations.Action, ManualActions.Undo));
        var plan = cluster.Reconcile();

        // Then version 1 is stable again, immediately, and version 2 (the spec) is quarantined
        Assert.Equal(v1, cluster.Status.StableRevision!.Name);
        Assert.Equal((DecisionActions.Undo, Reasons.Undo), (cluster.Status.LastDecision!.Action, cluster.Status.LastDecision.Reason));
        Assert.Equal((v2, Reasons.Undo), (cluster.Status.QuarantinedRevisions!.Single().Name, cluster.Status.QuarantinedRevisions!.Single().Reason));
        Assert.Equal([1L, 2L, 3L], cluster.Status.RevisionHistory!.Select(h => h.Revision!.Value));
        Assert.Equal(v1, cluster.Status.RevisionHistory![^1].Name);
        Assert.Equal((v1!, RevisionRole.Stable, 5), Roles(plan)[0]);
        cluster.RunFor(TimeSpan.FromMinutes(1));
        Assert.Null(cluster.Status.CanaryRevision);
        Assert.Equal(Phases.RolledBack, cluster.Status.Phase);
    }

    [Fact]
    public void Undo_to_a_numbered_revision_and_bad_numbers_are_rejected_with_what_is_available()
    {
        var cluster = Deployed();
        var v1 = cluster.Status.StableRevision!.Name;
        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.Phase == Phases.Paused);
        cluster.Update(md => md.Annotated(Annotations.Action, ManualActions.Promote));
        cluster.Reconcile();

        cluster.Update(md => md.Annotated(Annotations.Action, ManualActions.Undo).Annotated(Annotations.UndoRevision, "7"));
        var rejected = cluster.Reconcile();
        Assert.Equal((DecisionActions.Reject, Reasons.InvalidAction), (cluster.Status.LastDecision!.Action, cluster.Status.LastDecision.Reason));
        Assert.Equal("undo: revision 7 is not in status.revisionHistory; available: 1, 2", cluster.Status.LastDecision.Message);
        Assert.Null(rejected.Annotations[Annotations.UndoRevision]);
        Assert.Equal(PlannedEvent.Warning, Assert.Single(rejected.Events).Type);

        cluster.Update(md => md.Annotated(Annotations.Action, ManualActions.Undo).Annotated(Annotations.UndoRevision, "1"));
        cluster.Reconcile();
        Assert.Equal(v1, cluster.Status.StableRevision!.Name);
    }

    [Fact]
    public void Undo_to_a_revision_whose_Deployment_is_gone_is_rejected()
    {
        var cluster = Deployed();
        var v1 = cluster.Status.StableRevision!.Name!;
        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.Phase == Phases.Paused);
        cluster.Update(md => md.Annotated(Annotations.Action, ManualActions.Promote));
        cluster.Reconcile();
        cluster.DeleteDeployment(v1);

        cluster.Update(md => md.Annotated(Annotations.Action, ManualActions.Undo));
        cluster.Reconcile();

        Assert.Equal(DecisionActions.Reject, cluster.Status.LastDecision!.Action);
        Assert.Equal($"undo: the Deployment of revision 1 ({v1}) no longer exists", cluster.Status.LastDecision.Message);
        Assert.Equal("2", cluster.Status.StableRevision!.ModelVersion);
    }

    public static TheoryData<string, string> Rejections => new()
    {
        { ManualActions.Promote, "promote: no canary is running" },
        { ManualActions.Abort, "abort: no canary is running" },
        { ManualActions.Retry, "is not quarantined; nothing to retry" },
        { ManualActions.Undo, "undo: there is no previous revision" },
        { ManualActions.PromoteStep, "promote-step: no canary is running" },
        { "rollback", "metadata.annotations[modeloperator.io/action]: \"rollback\" is not an action; use one of promote-step, promote, abort, retry, undo" },
        { " promote-all ", "\" promote-all \" is not an action" },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public void Actions_that_cannot_be_done_are_rejected_once_with_a_reason(string action, string message)
    {
        var cluster = Deployed();

        cluster.Update(md => md.Annotated(Annotations.Action, action));
        var plan = cluster.Reconcile();

        Assert.Equal(DecisionActions.Reject, cluster.Status.LastDecision!.Action);
        Assert.Contains(message, cluster.Status.LastDecision.Message, StringComparison.Ordinal);
        Assert.Equal(Reasons.InvalidAction, Assert.Single(plan.Events).Reason);
        Assert.False(cluster.Md.Metadata.Annotations!.ContainsKey(Annotations.Action));
        Assert.Equal(Phases.Healthy, cluster.Status.Phase);
    }
}
