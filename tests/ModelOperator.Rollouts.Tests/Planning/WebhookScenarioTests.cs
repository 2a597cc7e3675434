using ModelOperator.Api;
using ModelOperator.Rollouts.Planning;
using ModelOperator.Rollouts.Webhooks;
using static ModelOperator.Rollouts.Tests.Planning.ModelDeployments;

namespace ModelOperator.Rollouts.Tests.Planning;

/// <summary>spec.rollout.webhooks through the planner: each kind at its points, from the records in status only.</summary>
public sealed class WebhookScenarioTests
{
    private static readonly IReadOnlyList<RolloutStep> Steps = [Weight(50), Pause("1m"), Weight(100)];

    private static FakeCluster Deployed(params RolloutWebhook[] hooks)
    {
        var cluster = new FakeCluster(Create("1", Steps, replicas: 4).WithSpec(s => s with { Rollout = s.Rollout! with { Webhooks = hooks } }));
        cluster.WebhookReceiver = Answer(_ => 200);
        cluster.RunUntil(c => c.Status.Phase == Phases.Healthy);
        return cluster;
    }

    private static RolloutWebhook Hook(string name, string kind, string at, int retries = 0) =>
        new() { Name = name, Url = $"http://hooks.test/{name}?token=t0ken", Kind = kind, At = at, Retries = retries };

    private static Func<WebhookCall, WebhookResult> Answer(Func<WebhookCall, int> status) =>
        call => new WebhookResult(call.Name, call.At, call.Revision, call.Step, call.Attempt, status(call), null, DateTimeOffset.MinValue);

    [Fact]
    public void A_confirm_that_answers_503_keeps_the_rollout_paused_until_it_answers_200()
    {
        var cluster = Deployed(Hook("approve", WebhookKinds.Confirm, WebhookPoints.BeforePromotion));
        var approved = false;
        cluster.WebhookReceiver = c => Answer(_ => approved ? 200 : 503)(c) with { Time = cluster.Now };

        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.Phase == Phases.Paused);
        cluster.RunFor(TimeSpan.FromMinutes(20));

        Assert.Equal((Phases.Paused, "1"), (cluster.Status.Phase, cluster.Status.StableRevision!.ModelVersion));
        Assert.Equal((DecisionActions.Pause, Reasons.WaitingForConfirmation), (cluster.Status.LastDecision!.Action, cluster.Status.LastDecision.Reason));
        Assert.Contains("waiting for confirm webhook approve at beforePromotion", cluster.Status.LastDecision.Message, StringComparison.Ordinal);
        var progressing = cluster.Status.Conditions!.Single(c => c.Type == Conditions.Progressing);
        Assert.Equal(Reasons.WaitingForConfirmation, progressing.Reason);
        Assert.Contains("last: HTTP 503", progressing.Message, StringComparison.Ordinal);
        // Asked again with backoff, at most a minute apart, never on every reconcile.
        var asked = cluster.WebhookCalls.Count(c => c.Name == "approve" && c.Revision == cluster.Status.CanaryRevision!.Name);
        Assert.InRange(asked, 18, 26);
        var record = Assert.Single(cluster.Status.Webhooks!, w => w.Name == "approve" && w.Revision == cluster.Status.CanaryRevision!.Name);
        Assert.Equal(asked, record.Attempts);

        approved = true;
        cluster.RunUntil(c => c.Status.CanaryRevision is null, tick: TimeSpan.FromSeconds(10));

        Assert.Equal("2", cluster.Status.StableRevision!.ModelVersion);
        Assert.True(cluster.Status.Webhooks!.Single(w => w.Name == "approve" && w.Revision == cluster.Status.StableRevision.Name).Succeeded);
    }

    [Fact]
    public void A_failing_check_before_a_step_rolls_the_canary_back_naming_the_webhook_and_the_status_code()
    {
        var cluster = Deployed(Hook("load-test", WebhookKinds.Check, WebhookPoints.BeforeStep, retries: 1));
        cluster.WebhookReceiver = c => Answer(call => call.Step == 1 ? 500 : 200)(c) with { Time = cluster.Now };

        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.Phase == Phases.RolledBack);

        var decision = cluster.Status.LastDecision!;
        Assert.Equal((DecisionActions.Rollback, Reasons.WebhookCheckFailed), (decision.Action, decision.Reason));
        Assert.Contains("check webhook load-test before step 2", decision.Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 500", decision.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("t0ken", decision.Message, StringComparison.Ordinal);
        Assert.Equal(Reasons.WebhookCheckFailed, cluster.Status.QuarantinedRevisions!.Single().Reason);
        // One call and its one retry, then the rollback: the weight never went past step 1's.
        Assert.Equal(2, cluster.WebhookCalls.Count(c => c.Step == 1));
        Assert.DoesNotContain(cluster.Plans, p => p.Status.CanaryWeight > 50);
    }

    [Fact]
    public void A_confirm_before_the_rollout_holds_the_canary_before_any_of_its_pods_exist()
    {
        var cluster = Deployed(Hook("change-window", WebhookKinds.Confirm, WebhookPoints.BeforeRollout));
        var open = false;
        cluster.WebhookReceiver = c => Answer(_ => open ? 200 : 409)(c) with { Time = cluster.Now };

        cluster.Update(md => md.WithVersion("2"));
        cluster.RunFor(TimeSpan.FromMinutes(2));

        Assert.Equal(Phases.Paused, cluster.Status.Phase);
        Assert.Null(cluster.Status.CanaryRevision);
        Assert.Single(cluster.Deployments);
        Assert.Contains(cluster.Events, e => e.Reason == Reasons.WaitingForConfirmation && e.Message.Contains("change-window", StringComparison.Ordinal));
        Assert.Equal(Reasons.WaitingForConfirmation, cluster.Status.Conditions!.Single(c => c.Type == Conditions.Progressing).Reason);

        open = true;
        cluster.RunUntil(c => c.Status.StableRevision!.ModelVersion == "2" && c.Status.CanaryRevision is null);
    }

    [Fact]
    public void Notify_webhooks_are_sent_once_per_promotion_and_rollback_not_on_every_resync()
    {
        var cluster = Deployed(
            Hook("promoted", WebhookKinds.Notify, WebhookPoints.AfterPromotion),
            Hook("rolled-back", WebhookKinds.Notify, WebhookPoints.OnRollback));
        cluster.WebhookReceiver = c => Answer(_ => 200)(c) with { Time = cluster.Now };

        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.CanaryRevision is null);
        cluster.RunFor(TimeSpan.FromMinutes(10));
        cluster.Behave("3", new PodBehaviour { CrashLoops = true });
        cluster.Update(md => md.WithVersion("3"));
        cluster.RunUntil(c => c.Status.Phase == Phases.RolledBack);
        cluster.RunFor(TimeSpan.FromMinutes(10));

        var promoted = Assert.Single(cluster.WebhookCalls, c => c.Name == "promoted");
        Assert.Equal(("2", WebhookPoints.AfterPromotion), (promoted.ModelVersion, promoted.At));
        var rolledBack = Assert.Single(cluster.WebhookCalls, c => c.Name == "rolled-back");
        Assert.Equal(("3", Reasons.CrashLoop), (rolledBack.ModelVersion, rolledBack.Reason));
    }

    [Fact]
    public void A_notify_that_fails_never_holds_the_rollout()
    {
        var cluster = Deployed(Hook("chat", WebhookKinds.Notify, WebhookPoints.AfterPromotion, retries: 2));
        cluster.WebhookReceiver = c => Answer(_ => 500)(c) with { Time = cluster.Now };

        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.CanaryRevision is null);
        cluster.RunFor(TimeSpan.FromMinutes(5));

        Assert.Equal("2", cluster.Status.StableRevision!.ModelVersion);
        Assert.Equal(3, cluster.WebhookCalls.Count(c => c.Name == "chat"));
        Assert.True(cluster.Status.Webhooks!.Single(w => w.Name == "chat").GaveUp);
    }

    [Fact]
    public void A_webhook_url_outside_the_allowlist_makes_the_spec_invalid_without_showing_its_query()
    {
        var md = Create("1", Steps).WithSpec(s => s with { Rollout = s.Rollout! with { Webhooks = [Hook("approve", WebhookKinds.Confirm, WebhookPoints.BeforePromotion)] } });

        var plan = RolloutPlanner.Plan(md, new ClusterSnapshot(), null, DateTimeOffset.UnixEpoch, FakeCluster.Settings with
        {
            WebhookAllowlist = new WebhookAllowlist(["https://hooks.example.com"], u => u.Host == "hooks.example.com"),
        });

        Assert.Equal(Phases.Invalid, plan.Status.Phase);
        Assert.Null(plan.Revisions);
        Assert.Empty(plan.WebhookCalls);
        var degraded = plan.Status.Conditions!.Single(c => c.Type == Conditions.Degraded);
        Assert.Contains("spec.rollout.webhooks[0].url: \"http://hooks.test/approve?***\" is not under a prefix the cluster admin allows (ANALYSIS_WEB_ALLOWED_PREFIXES", degraded.Message, StringComparison.Ordinal);
        Assert.Contains("allowed: https://hooks.example.com", degraded.Message, StringComparison.Ordinal);
        var warning = Assert.Single(plan.Events);
        Assert.Equal((PlannedEvent.Warning, Reasons.InvalidSpec), (warning.Type, warning.Reason));
        Assert.DoesNotContain("t0ken", warning.Message, StringComparison.Ordinal);
    }
}
