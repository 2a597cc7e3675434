using ModelOperator.Api;
using ModelOperator.Rollouts.Analysis;

namespace ModelOperator.Rollouts.Planning;

/// <summary>
/// The pure heart of the operator: spec + status + snapshot + analysis + now → plan (Argo Rollouts' <c>rollout/canary.go</c>
/// reconcile order, as one deterministic function). Progress is read from and written to status (and the
/// <see cref="RolloutProgress"/> annotation), so any operator replica resumes where the last one stopped.
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
/// <item>Output: replicas per revision (autoscaling recommendations, canary split), traffic, the complete status with
/// conditions and phase, Events, and when to look again.</item>
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
    public static RolloutPlan Plan(ModelDeployment deployment, ClusterSnapshot snapshot, AnalysisResult? analysis, DateTimeOffset now, OperatorSettings settings)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrEmpty(deployment.Metadata.Name, "deployment.metadata.name");
        return new PlannerRun(deployment, snapshot, analysis, now, settings).Run();
    }
}
