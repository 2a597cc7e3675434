using System.Collections.Concurrent;
using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using Prometheus;

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
/// <item><c>modeloperator_promotion_unproven{namespace,name}</c>: 1 while the last decision is a bake that ended without a
/// passing analysis run (<c>BakeInconclusive</c>), else 0; the alert ModelPromotionUnproven watches it.</item>
/// <item><c>modeloperator_webhook_calls_total{kind,outcome}</c>: spec.rollout.webhooks calls by kind (<c>confirm</c>,
/// <c>check</c>, <c>notify</c>) and outcome (<c>WebhookOutcomes</c>: <c>success</c>, <c>http_error</c>, <c>timeout</c>, …);
/// no URL or webhook name, which a tenant chooses.</item>
/// </list>
/// </remarks>
public sealed class OperatorMetrics
{
    private static readonly string[] AllPhases =
        [Phases.Pending, Phases.Progressing, Phases.Paused, Phases.Healthy, Phases.Degraded, Phases.RolledBack, Phases.Invalid];

    private readonly Counter.Child _promoted;
    private readonly Counter.Child _rolledBack;
    private readonly Counter _rollbacks;
    private readonly Gauge _canaryWeight;
    private readonly Gauge _step;
    private readonly Gauge _phase;
    private readonly Gauge _recommended;
    private readonly Gauge _unproven;
    private readonly Counter _webhookCalls;

    // What each ModelDeployment's gauges show now, so that an unchanged observation costs one lookup and
    // Forget knows which children to remove. A key is observed by one worker at a time.
    private readonly ConcurrentDictionary<ObjectKey, DeploymentGauges> _shown = new();

    public OperatorMetrics(CollectorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        IMetricFactory factory = Prometheus.Metrics.WithCustomRegistry(registry);
        Counter rollouts = factory.CreateCounter("modeloperator_rollouts_total", "Canary rollouts that finished, by outcome.", ["outcome"]);
        _promoted = rollouts.WithLabels("promoted");
        _rolledBack = rollouts.WithLabels("rolled_back");
        _rollbacks = factory.CreateCounter("modeloperator_rollbacks_total", "Canary rollbacks, by reason.", ["reason"]);
        string[] deployment = ["namespace", "name"];
        _canaryWeight = factory.CreateGauge("modeloperator_canary_weight", "Percentage of traffic the canary revision receives.", deployment);
        _step = factory.CreateGauge("modeloperator_rollout_step", "The canary's current rollout step, counted from 1; 0 without a canary.", deployment);
        _phase = factory.CreateGauge("modeloperator_phase", "1 for the ModelDeployment's current phase, 0 for the others.", [.. deployment, "phase"]);
        _unproven = factory.CreateGauge("modeloperator_promotion_unproven", "1 while the last promotion's bake ended without a passing analysis run (BakeInconclusive).", deployment);
        _webhookCalls = factory.CreateCounter("modeloperator_webhook_calls_total", "Calls of spec.rollout.webhooks, by kind and outcome.", ["kind", "outcome"]);
        _recommended = factory.CreateGauge("modeloperator_recommended_replicas", "Replicas autoscaling recommends, by revision role.", [.. deployment, "role"]);
    }

    /// <summary>The state a ModelDeployment's gauges show.</summary>
    public sealed record DeploymentGauges(int CanaryWeight, string Phase, int? StableRecommended, int? CanaryRecommended, int Step = 0, bool Unproven = false);

    public void Promoted() => _promoted.Inc();

    public void RolledBack(string reason)
    {
        _rolledBack.Inc();
        _rollbacks.WithLabels(reason).Inc();
    }

    /// <summary>Counts one webhook call; <paramref name="kind"/> comes from the CRD's enum, <paramref name="outcome"/> from <c>WebhookOutcomes</c>.</summary>
    public void WebhookCalled(string kind, string outcome) => _webhookCalls.WithLabels(kind, outcome).Inc();

    public void Observe(ObjectKey key, DeploymentGauges gauges)
    {
        ArgumentNullException.ThrowIfNull(gauges);
        _shown.TryGetValue(key, out var shown);
        if (gauges == shown)
        {
            return;
        }

        var (ns, name) = (key.Namespace, key.Name);
        _canaryWeight.WithLabels(ns, name).Set(gauges.CanaryWeight);
        _step.WithLabels(ns, name).Set(gauges.Step);
        _unproven.WithLabels(ns, name).Set(gauges.Unproven ? 1 : 0);
        if (gauges.Phase != shown?.Phase)
        {
            foreach (var phase in AllPhases)
            {
                _phase.WithLabels(ns, name, phase).Set(phase == gauges.Phase ? 1 : 0);
            }
        }

        ShowRecommended(ns, name, "stable", gauges.StableRecommended);
        ShowRecommended(ns, name, "canary", gauges.CanaryRecommended);
        _shown[key] = gauges;
    }

    public void Forget(ObjectKey key)
    {
        if (!_shown.TryRemove(key, out _))
        {
            return;
        }

        var (ns, name) = (key.Namespace, key.Name);
        _canaryWeight.RemoveLabelled(ns, name);
        _step.RemoveLabelled(ns, name);
        _unproven.RemoveLabelled(ns, name);
        foreach (var phase in AllPhases)
        {
            _phase.RemoveLabelled(ns, name, phase);
        }

        _recommended.RemoveLabelled(ns, name, "stable");
        _recommended.RemoveLabelled(ns, name, "canary");
    }

    private void ShowRecommended(string ns, string name, string role, int? replicas)
    {
        if (replicas is { } value)
        {
            _recommended.WithLabels(ns, name, role).Set(value);
        }
        else
        {
            _recommended.RemoveLabelled(ns, name, role);
        }
    }
}
