using ModelOperator.Api;
using ModelOperator.Rollouts.Analysis;
using ModelOperator.Rollouts.Canary;
using ModelOperator.Rollouts.Status;
using ModelOperator.Rollouts.Webhooks;

namespace ModelOperator.Rollouts.Planning;

/// <summary>
/// The pure heart of the operator: spec + status + snapshot + analysis + now → plan (Argo Rollouts' <c>rollout/canary.go</c>
/// reconcile order, as one deterministic function). Progress is read from and written to status only (the step, the
/// revisions, and the planner's bookkeeping in <c>status.progress</c>, <see cref="RolloutProgress"/>), so any operator
/// replica resumes where the last one stopped.
/// </summary>
/// <remarks>
/// Order of one plan:
/// <list type="number">
/// <item>Validate the spec: problems give phase <c>Invalid</c>, a Degraded condition and an Event, and no child changes.</item>
/// <item>First deployment (no stable revision): the spec's revision becomes stable at once, without steps.</item>
/// <item>A manual action (<c>modeloperator.io/action</c>: promote, abort, retry, undo) is performed once, recorded and its annotation removed.</item>
/// <item>Bake: after a promotion the previous revision stays warm for <c>bakeTime</c>; a health failure or an analysis failure rolls back to it.</item>
/// <item>Revision choice: the spec's revision equal to stable drops any canary (no steps); a quarantined spec revision starts
/// nothing; a new spec revision starts a canary (replacing any other canary, whose analysis does not carry over).</item>
/// <item>The canary: health (crash loop, model load failure: rollback at once), due analysis runs (failure limit), manual pause,
/// then steps in order as far as they complete; a step that waits longer than <c>progressDeadline</c> rolls back; after the last, promotion.</item>
/// <item>Output: every revision fully resolved (name, spec with the default image and batching applied) with its
/// replicas (autoscaling recommendations, canary split), traffic, the complete status with conditions and phase, Events
/// (a missing HTTPRoute among them), and when to look again.</item>
/// <item>An HTTPRoute that did not opt in turns the whole plan into <see cref="Blocked"/>: nothing is written.</item>
/// </list>
/// </remarks>
public static class RolloutPlanner
{
    /// <summary>Plans one reconcile of <paramref name="deployment"/>.</summary>
    /// <param name="deployment">The ModelDeployment as read (spec, status, annotations); not modified.</param>
    /// <param name="snapshot">What exists in the cluster for it.</param>
    /// <param name="analysis">The latest measurements (of the revision <see cref="RolloutPlan.NextAnalysis"/> asked for); null when none.</param>
    /// <param name="now">The time of this plan.</param>
    /// <param name="settings">The operator's settings.</param>
    /// <param name="webhooks">Results of webhook calls that earlier plans asked for (<see cref="RolloutPlan.WebhookCalls"/>), not yet in status; each is recorded once.</param>
    public static RolloutPlan Plan(ModelDeployment deployment, ClusterSnapshot snapshot, AnalysisResult? analysis, DateTimeOffset now, OperatorSettings settings,
        IReadOnlyList<WebhookResult>? webhooks = null)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrEmpty(deployment.Metadata.Name, "deployment.metadata.name");
        var plan = new PlannerRun(deployment, snapshot, analysis, now, settings, webhooks).Run();

        // A route that did not opt in stops the plan before anything is written (the Services too): a shared route
        // must not send traffic to Services that a half-applied plan left behind.
        return plan.Traffic is { Mode: TrafficRoutingMode.GatewayApi } && snapshot.Route is { } route && RouteOptIn.Problem(route, deployment.Metadata.Name) is { } notOptedIn
            ? Blocked(deployment, Reasons.RouteNotOptedIn, notOptedIn, now, settings.PollInterval)
            : plan;
    }

    /// <summary>
    /// The plan when applying stopped at an object the ModelDeployment may not write (<paramref name="reason"/>:
    /// <c>ChildConflict</c>, <c>RouteNotOptedIn</c>): the status stays where it was, so the rollout does not proceed,
    /// with <c>Degraded=True</c> and <c>Progressing=False</c> saying why; a Warning Event when the message is new; and a
    /// look again after <paramref name="retryAfter"/> (the conflicting object is not watched: it carries none of our labels).
    /// </summary>
    public static RolloutPlan Blocked(ModelDeployment deployment, string reason, string message, DateTimeOffset now, TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        ArgumentException.ThrowIfNullOrEmpty(message);
        var old = deployment.Status ?? new ModelDeploymentStatus();
        var generation = deployment.Metadata.Generation;
        var reported = old.Conditions?.Any(c => c.Type == Conditions.Degraded && c.Reason == reason && c.Message == message) == true;
        var conditions = ConditionList.Set(old.Conditions, Conditions.Degraded, ConditionList.True, reason, message, generation, now);
        conditions = ConditionList.Set(conditions, Conditions.Progressing, ConditionList.False, reason,
            "the rollout waits until the object in the way is removed or, for an HTTPRoute, opts in", generation, now);
        return new RolloutPlan
        {
            Status = old with { Conditions = conditions },
            Events = reported ? [] : [new PlannedEvent(PlannedEvent.Warning, reason, message)],
            RequeueAfter = retryAfter,
        };
    }
}
