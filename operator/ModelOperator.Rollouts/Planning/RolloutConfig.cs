using ModelOperator.Api;
using ModelOperator.Rollouts.Analysis;
using ModelOperator.Rollouts.Autoscaling;
using ModelOperator.Rollouts.Canary;
using ModelOperator.Rollouts.Revisions;

namespace ModelOperator.Rollouts.Planning;

/// <summary>The rollout settings of a spec in numbers, with the API defaults applied.</summary>
internal sealed record RolloutConfig
{
    /// <summary>The steps to run (<see cref="RolloutSteps.Effective"/>: a spec without steps runs one implicit <c>setWeight: 100</c>).</summary>
    public required IReadOnlyList<RolloutStep> Steps { get; init; }

    public required string StepsHash { get; init; }

    public required TimeSpan ProgressDeadline { get; init; }

    public required TimeSpan BakeTime { get; init; }

    public required AnalysisCriteria Criteria { get; init; }

    /// <summary><see cref="Criteria"/> plus <c>maxShadowDisagreement</c>: what a shadow step's copies are judged by.</summary>
    public required AnalysisCriteria ShadowCriteria { get; init; }

    /// <summary><see cref="Criteria"/> without prediction drift: what a promoted revision is judged by while it bakes.</summary>
    public required AnalysisCriteria BakeCriteria { get; init; }

    /// <summary>True when <c>spec.rollout.analysis</c> is set (metrics are measured).</summary>
    public required bool HasAnalysis { get; init; }

    public required TrafficRoutingMode Mode { get; init; }

    public string? HttpRoute { get; init; }

    public int? FixedReplicas { get; init; }

    public AutoscalingTarget? Autoscaling { get; init; }

    public required bool Paused { get; init; }

    /// <exception cref="FormatException">A duration does not parse (validation reports it first in practice).</exception>
    public static RolloutConfig From(ModelDeploymentSpec spec, OperatorSettings settings)
    {
        var rollout = spec.Rollout;
        var gateway = rollout?.TrafficRouting?.GatewayApi;
        var criteria = AnalysisCriteria.FromSpec(rollout?.Analysis, settings.MaxRestarts);
        return new RolloutConfig
        {
            Steps = RolloutSteps.Effective(rollout),
            StepsHash = RevisionNaming.StepsHash(rollout?.Steps),
            ProgressDeadline = GoDuration.ParseOrDefault(rollout?.ProgressDeadline, ModelDeploymentDefaults.ProgressDeadline),
            BakeTime = GoDuration.ParseOrDefault(rollout?.BakeTime, ModelDeploymentDefaults.BakeTime),
            Criteria = criteria,
            ShadowCriteria = criteria.ForShadow(rollout?.Analysis),
            BakeCriteria = criteria.ForBake(),
            HasAnalysis = rollout?.Analysis is not null,
            Mode = gateway is null ? TrafficRoutingMode.ReplicaRatio : TrafficRoutingMode.GatewayApi,
            HttpRoute = gateway?.HttpRoute,
            FixedReplicas = spec.Autoscaling is null ? spec.Replicas ?? 1 : null,
            Autoscaling = spec.Autoscaling is { } autoscaling ? AutoscalingTarget.FromSpec(autoscaling) : null,
            Paused = spec.Paused ?? false,
        };
    }

    /// <summary>
    /// The canary weight while step <paramref name="index"/> runs: the last <c>setWeight</c> at or before it (a weight
    /// step being run is the weight being moved to), 0 before any.
    /// </summary>
    public int WeightAt(int index)
    {
        for (var i = Math.Min(index, Steps.Count - 1); i >= 0; i--)
        {
            if (Steps[i].SetWeight is { } weight)
            {
                return weight;
            }
        }

        return 0;
    }

    /// <summary>A short description of a step for messages: <c>setWeight 20</c>, <c>pause 1m</c>, <c>pause</c>, <c>analysis</c>, <c>shadow 20% for 10m</c>.</summary>
    public static string Describe(RolloutStep step) => step switch
    {
        { SetWeight: { } weight } => $"setWeight {weight}",
        { Shadow: { } shadow } => $"shadow {shadow.Percent}% for {shadow.Duration}",
        { Pause.Duration: { } duration } => $"pause {duration}",
        { Pause: not null } => "pause",
        _ => "analysis",
    };
}
