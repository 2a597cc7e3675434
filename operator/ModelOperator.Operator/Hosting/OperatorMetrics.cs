using System.Collections.Concurrent;
using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Prometheus;

namespace ModelOperator.Operator.Hosting;

/// <summary>
/// The operator's own metrics, beside the controller runtime's. Labels are bounded: outcomes and reasons come from fixed
/// sets, and the per-ModelDeployment gauges have one series per ModelDeployment (removed when it is deleted).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>modeloperator_rollouts_total{outcome}</c>: finished canaries by outcome (<c>promoted</c>, <c>rolled_back</c>).</item>
/// <item><c>modeloperator_rollbacks_total{reason}</c>: rollbacks by reason (e.g. <c>HighErrorRate</c>).</item>
/// <item><c>modeloperator_canary_weight{namespace,name}</c>: the traffic percentage the canary receives.</item>
/// <item><c>modeloperator_phase{namespace,name,phase}</c>: 1 for the current phase, 0 for the others.</item>
/// <item><c>modeloperator_recommended_replicas{namespace,name,role}</c>: autoscaling's recommendation per role (<c>stable</c>, <c>canary</c>).</item>
/// <item><c>modeloperator_rollout_step{namespace,name}</c>: the canary's current step, 1-based (0 without a canary).</item>
/// </list>
/// </remarks>
public sealed class OperatorMetrics
{
    private static readonly string[] AllPhases =
        [Phases.Pending, Phases.Progressing, Phases.Paused, Phases.Healthy, Phases.Degraded, Phases.RolledBack, Phases.Invalid];

    private readonly Counter _rollouts;
    private readonly Counter _rollbacks;
    private readonly ConcurrentDictionary<ObjectKey, DeploymentGauges> _gauges = new();

    public OperatorMetrics(MetricRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _rollouts = registry.CreateCounter("modeloperator_rollouts_total", "Canary rollouts that finished, by outcome.", "outcome");
        _rollbacks = registry.CreateCounter("modeloperator_rollbacks_total", "Canary rollbacks, by reason.", "reason");
        registry.AddCollector(Collect);
    }

    /// <summary>The state a ModelDeployment's gauges show.</summary>
    public sealed record DeploymentGauges(int CanaryWeight, string Phase, int? StableRecommended, int? CanaryRecommended, int Step = 0);

    public void Promoted() => _rollouts.WithLabels("promoted").Inc();

    public void RolledBack(string reason)
    {
        _rollouts.WithLabels("rolled_back").Inc();
        _rollbacks.WithLabels(reason).Inc();
    }

    public void Observe(ObjectKey key, DeploymentGauges gauges) => _gauges[key] = gauges;

    public void Forget(ObjectKey key) => _gauges.TryRemove(key, out _);

    private void Collect(ICollectorWriter writer)
    {
        foreach (var (key, state) in _gauges.OrderBy(p => p.Key.Namespace, StringComparer.Ordinal).ThenBy(p => p.Key.Name, StringComparer.Ordinal))
        {
            KeyValuePair<string, string>[] labels = [new("namespace", key.Namespace), new("name", key.Name)];
            writer.WriteGauge("modeloperator_canary_weight", "Percentage of traffic the canary revision receives.", labels, state.CanaryWeight);
            writer.WriteGauge("modeloperator_rollout_step", "The canary's current rollout step, counted from 1; 0 without a canary.", labels, state.Step);
            foreach (var phase in AllPhases)
            {
                writer.WriteGauge("modeloperator_phase", "1 for the ModelDeployment's current phase, 0 for the others.",
                    [.. labels, new("phase", phase)], phase == state.Phase ? 1 : 0);
            }

            if (state.StableRecommended is { } stable)
            {
                writer.WriteGauge("modeloperator_recommended_replicas", "Replicas autoscaling recommends, by revision role.", [.. labels, new("role", "stable")], stable);
            }

            if (state.CanaryRecommended is { } canary)
            {
                writer.WriteGauge("modeloperator_recommended_replicas", "Replicas autoscaling recommends, by revision role.", [.. labels, new("role", "canary")], canary);
            }
        }
    }
}
