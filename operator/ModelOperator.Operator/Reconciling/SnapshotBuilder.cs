using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Children;
using ModelOperator.Operator.Health;
using ModelOperator.Rollouts.Analysis;
using ModelOperator.Rollouts.Planning;

namespace ModelOperator.Operator.Reconciling;

/// <summary>
/// Builds the planner's <see cref="ClusterSnapshot"/> from cached objects (pure): one <see cref="RevisionState"/> per
/// Deployment the ModelDeployment controls, with its spec as recorded (defaults are the planner's to apply), replica
/// counts and its pods' health.
/// </summary>
public static class SnapshotBuilder
{
    public static ClusterSnapshot Build(
        ModelDeployment md,
        IReadOnlyList<Deployment> deployments,
        IReadOnlyList<Pod> pods,
        HttpRoute? route,
        IReadOnlyDictionary<string, ModelReadiness>? readiness = null)
    {
        ArgumentNullException.ThrowIfNull(md);
        ArgumentNullException.ThrowIfNull(deployments);
        ArgumentNullException.ThrowIfNull(pods);
        var revisions = deployments
            .Where(d => d.Metadata.DeletionTimestamp is null)
            .OrderBy(d => d.Metadata.Name, StringComparer.Ordinal)
            .Select(d => State(d, pods.Where(p => Revision(p) == d.Metadata.Name).ToList(), readiness))
            .ToList();
        return new ClusterSnapshot { Revisions = revisions, Route = route };
    }

    /// <summary>The revision label of an object, or null.</summary>
    public static string? Revision(IKubernetesObject obj) =>
        obj.Metadata.Labels?.TryGetValue(Labels.Revision, out var revision) == true ? revision : null;

    internal static RevisionState State(Deployment deployment, IReadOnlyList<Pod> pods, IReadOnlyDictionary<string, ModelReadiness>? readiness = null)
    {
        var name = deployment.Metadata.Name!;
        var recorded = DeploymentBuilder.ReadRevisionSpec(deployment);
        var status = deployment.Status;
        return new RevisionState
        {
            Name = name,
            Spec = recorded?.Model is { } model
                ? new RevisionSpec
                {
                    Name = name,
                    Model = model,
                    Runtime = recorded.Runtime ?? new RuntimeSpec(), // as recorded: the planner resolves its defaults
                }
                : null,
            Replicas = deployment.Spec?.Replicas ?? 0,
            ReadyReplicas = status?.ReadyReplicas ?? 0,
            UpdatedReplicas = status?.UpdatedReplicas ?? 0,
            AvailableReplicas = status?.AvailableReplicas ?? 0,
            Observed = (status?.ObservedGeneration ?? 0) >= (deployment.Metadata.Generation ?? 0),
            Health = Health(pods, readiness),
        };
    }

    /// <summary>
    /// Readiness, restarts and crash loops of the model server containers of live pods, and the model server's not-ready
    /// reason from <paramref name="readiness"/> (pod name → what its ready endpoint said). When pods disagree a failure
    /// word wins over <c>Loading</c>, and among failures the first pod by name, so the result is deterministic.
    /// Example: pods a (Loading) and b (ChecksumMismatch) → ChecksumMismatch with b's message.
    /// </summary>
    public static PodHealth Health(IReadOnlyList<Pod> pods, IReadOnlyDictionary<string, ModelReadiness>? readiness = null)
    {
        ArgumentNullException.ThrowIfNull(pods);
        var live = pods.Where(p => p.Metadata.DeletionTimestamp is null).ToList();
        var reason = NotReadyReason(live, readiness);
        var containers = live.SelectMany(p => p.Status?.ContainerStatuses ?? []).Where(c => c.Name == ChildNames.Container).ToList();
        return new PodHealth
        {
            Pods = live.Count,
            Ready = live.Count(IsReady),
            Restarts = containers.Sum(c => c.RestartCount),
            CrashLooping = containers.Any(c => c.State?.Waiting?.Reason == "CrashLoopBackOff"),
            ModelReason = reason?.Reason,
            ModelMessage = reason?.Message,
        };
    }

    private static ModelReadiness? NotReadyReason(IEnumerable<Pod> pods, IReadOnlyDictionary<string, ModelReadiness>? readiness) =>
        readiness is null
            ? null
            : pods.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal)
                .Select(p => readiness.GetValueOrDefault(p.Metadata.Name ?? string.Empty))
                .Where(r => r is { Ready: false, Reason: not null })
                .OrderBy(r => r!.Reason == ModelReadiness.Loading ? 1 : 0)
                .FirstOrDefault();

    public static bool IsReady(Pod pod) =>
        pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
}
