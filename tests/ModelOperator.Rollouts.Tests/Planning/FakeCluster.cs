using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Rollouts.Analysis;
using ModelOperator.Rollouts.Autoscaling;
using ModelOperator.Rollouts.Planning;
using ModelOperator.Rollouts.Webhooks;
using ModelOperator.Testing;

namespace ModelOperator.Rollouts.Tests.Planning;

/// <summary>How the pods of one model version behave in the fake cluster.</summary>
public sealed record PodBehaviour
{
    public static PodBehaviour Good { get; } = new();

    /// <summary>Pods become ready on the reconcile after they are created.</summary>
    public bool BecomesReady { get; init; } = true;

    public bool CrashLoops { get; init; }

    public string? ModelReason { get; init; }

    public string? ModelMessage { get; init; }

    /// <summary>What the metric provider measures for this version (null: healthy numbers).</summary>
    public Func<DateTimeOffset, AnalysisResultValues>? Metrics { get; init; }
}

/// <summary>Measured values (the fake's provider turns them into measurements).</summary>
/// <remarks>A user metric (spec.rollout.analysis.metrics) missing from <see cref="Metrics"/> is not measured. In a shadow
/// step <see cref="ErrorRate"/> and <see cref="P99Latency"/> are the canary's on the copies, and <see cref="Samples"/> the
/// compared copies.</remarks>
public sealed record AnalysisResultValues(double ErrorRate = 0.001, double P99Latency = 0.08, double PredictionDrift = 0.02, double FeatureDrift = 0.03, long Samples = 500, string? Error = null, double ShadowDisagreement = 0.004)
{
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }
}

/// <summary>
/// A test bed for the planner: it holds a ModelDeployment and the Deployments the plans asked for, turns them into
/// snapshots, measures the revision the plan asks to measure, applies each plan like the operator would (status,
/// annotations, replicas, deletions) and keeps a manual clock. No I/O.
/// </summary>
internal sealed class FakeCluster
{
    private readonly Dictionary<string, RevisionState> _deployments = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PodBehaviour> _behaviourByVersion = new(StringComparer.Ordinal);
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private RolloutPlan? _lastPlan;

    public FakeCluster(ModelDeployment md) => Md = md;

    public static OperatorSettings Settings { get; } = new() { DefaultImage = "ghcr.io/modeloperator/server:1.0" };

    public ModelDeployment Md { get; private set; }

    public ModelDeploymentStatus Status => Md.Status!;

    public DateTimeOffset Now => _clock.GetUtcNow();

    public List<PlannedEvent> Events { get; } = [];

    public List<RolloutPlan> Plans { get; } = [];

    public List<RolloutDecision> Decisions { get; } = [];

    public IReadOnlyDictionary<string, RevisionState> Deployments => _deployments;

    public HttpRoute? Route { get; set; }

    /// <summary>
    /// A webhook receiver (spec.rollout.webhooks): answers each call a plan asks for, or null for a call that has not
    /// ended yet. Its results reach the next plan, as the operator's dispatcher delivers them. Set, every webhook URL is allowed.
    /// </summary>
    public Func<WebhookCall, WebhookResult?>? WebhookReceiver { get; set; }

    /// <summary>Every webhook call the plans asked for, in order.</summary>
    public List<WebhookCall> WebhookCalls { get; } = [];

    private List<WebhookResult> _webhookResults = [];

    public Dictionary<string, LoadObservation> Load { get; } = new(StringComparer.Ordinal);

    public void Behave(string version, PodBehaviour behaviour) => _behaviourByVersion[version] = behaviour;

    public void Advance(TimeSpan by) => _clock.Advance(by);

    public void Update(Func<ModelDeployment, ModelDeployment> change) => Md = change(Md);

    /// <summary>Deletes a Deployment behind the operator's back (someone ran kubectl delete).</summary>
    public void DeleteDeployment(string name) => _deployments.Remove(name);

    public ClusterSnapshot Snapshot() => new()
    {
        Revisions = _deployments.Values.Select(WithPods).ToList(),
        Route = Route,
        Load = Load,
    };

    /// <summary>One reconcile: plan from what exists, then apply the plan.</summary>
    public RolloutPlan Reconcile()
    {
        var snapshot = Snapshot();
        var analysis = Measure(_lastPlan?.NextAnalysis);
        var settings = WebhookReceiver is null ? Settings : Settings with { WebhookAllowlist = new WebhookAllowlist(["http://hooks.test"], _ => true) };
        var plan = RolloutPlanner.Plan(Md, snapshot, analysis, Now, settings, _webhookResults);
        Apply(plan);
        WebhookCalls.AddRange(plan.WebhookCalls);
        _webhookResults = [.. plan.WebhookCalls.Select(c => WebhookReceiver?.Invoke(c)).OfType<WebhookResult>()];
        return plan;
    }

    /// <summary>Reconciles every <paramref name="tick"/> until <paramref name="done"/> holds (or fails after <paramref name="limit"/>).</summary>
    public void RunUntil(Func<FakeCluster, bool> done, TimeSpan? tick = null, int limit = 500)
    {
        for (var i = 0; i < limit; i++)
        {
            Reconcile();
            if (done(this))
            {
                return;
            }

            Advance(tick ?? TimeSpan.FromSeconds(5));
        }

        Assert.Fail($"not reached after {limit} reconciles; phase {Status.Phase}, last decision: {Status.LastDecision?.Message}");
    }

    /// <summary>Reconciles for <paramref name="duration"/> every <paramref name="tick"/>.</summary>
    public void RunFor(TimeSpan duration, TimeSpan? tick = null)
    {
        var end = Now + duration;
        while (Now < end)
        {
            Reconcile();
            Advance(tick ?? TimeSpan.FromSeconds(5));
        }
    }

    public string RevisionOf(string version) => Deployments.Values.Single(d => d.Spec?.ModelVersion == version).Name;

    private PodBehaviour BehaviourOf(RevisionState revision) =>
        revision.Spec?.ModelVersion is { } version && _behaviourByVersion.TryGetValue(version, out var behaviour) ? behaviour : PodBehaviour.Good;

    private RevisionState WithPods(RevisionState revision)
    {
        var behaviour = BehaviourOf(revision);
        var pods = revision.Replicas;
        var ready = behaviour.BecomesReady && !behaviour.CrashLoops && behaviour.ModelReason is null ? pods : 0;
        return revision with
        {
            ReadyReplicas = ready,
            AvailableReplicas = ready,
            UpdatedReplicas = pods,
            Health = new PodHealth
            {
                Pods = pods,
                Ready = ready,
                CrashLooping = behaviour.CrashLoops && pods > 0,
                Restarts = behaviour.CrashLoops && pods > 0 ? 5 : 0,
                ModelReason = pods > 0 ? behaviour.ModelReason : null,
                ModelMessage = pods > 0 ? behaviour.ModelMessage : null,
            },
        };
    }

    private AnalysisResult? Measure(PendingAnalysis? request)
    {
        if (request is null || Now < request.DueAt || !_deployments.TryGetValue(request.Revision, out var revision))
        {
            return null;
        }

        var values = BehaviourOf(revision).Metrics?.Invoke(Now) ?? new AnalysisResultValues();
        var window = request.Window;
        Measurement Of(double value) => values.Error is { } error ? Measurement.Failure(error, window) : Measurement.Of(value, values.Samples, window);
        return new AnalysisResult
        {
            Revision = request.Revision,
            MeasuredAt = Now,
            ErrorRate = Of(values.ErrorRate),
            P99Latency = Of(values.P99Latency),
            PredictionDrift = Of(values.PredictionDrift),
            FeatureDrift = Of(values.FeatureDrift),
            Metrics = values.Metrics?.ToDictionary(m => m.Key, m => Of(m.Value), StringComparer.Ordinal),
            Shadow = request.Shadow,
            ShadowDisagreement = request.Shadow ? Of(values.ShadowDisagreement) : null,
        };
    }

    private void Apply(RolloutPlan plan)
    {
        _lastPlan = plan;
        Plans.Add(plan);
        Events.AddRange(plan.Events);
        if (plan.Status.LastDecision is { } decision && !ReferenceEquals(decision, Md.Status?.LastDecision) && decision != Md.Status?.LastDecision)
        {
            Decisions.Add(decision);
        }

        var annotations = new Dictionary<string, string>(Md.Metadata.Annotations ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (key, value) in plan.Annotations)
        {
            if (value is null)
            {
                annotations.Remove(key);
            }
            else
            {
                annotations[key] = value;
            }
        }

        // Status and annotations go through JSON, as they would through the API server (second-precision times).
        var written = Md with { Status = plan.Status, Metadata = Md.Metadata with { Annotations = annotations } };
        Md = KubernetesJson.DeepClone(written, ModelDeploymentJsonContext.Default.ModelDeployment);

        if (plan.Revisions is null)
        {
            return;
        }

        foreach (var name in _deployments.Keys.Where(n => !plan.Revisions.Any(r => r.Name == n)).ToList())
        {
            _deployments.Remove(name);
        }

        foreach (var desired in plan.Revisions)
        {
            _deployments[desired.Name] = _deployments.TryGetValue(desired.Name, out var existing)
                ? existing with { Replicas = desired.Replicas, Spec = desired.Spec ?? existing.Spec }
                : new RevisionState { Name = desired.Name, Replicas = desired.Replicas, Spec = desired.Spec };
        }
    }
}
