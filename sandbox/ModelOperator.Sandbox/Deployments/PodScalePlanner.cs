using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Sandbox.Deployments;

/// <summary>What to change so a Deployment's pods match its spec: how many pods of the current template to create and which pods to delete.</summary>
public sealed record PodScalePlan
{
    public int Create { get; init; }

    public IReadOnlyList<string> Delete { get; init; } = [];

    public bool IsEmpty => Create == 0 && Delete.Count == 0;
}

/// <summary>
/// Decides pod creations and deletions for one Deployment (pure). The rollout is a surge: pods of the current
/// template are brought to <c>spec.replicas</c> at once; pods of older templates are deleted only once as many
/// current pods are ready as desired (or at once when scaling to 0). Excess current pods go first when not ready,
/// then newest first (as the ReplicaSet controller ranks them).
/// </summary>
public static class PodScalePlanner
{
    public static PodScalePlan Plan(int desired, string templateHash, IReadOnlyList<Pod> pods)
    {
        ArgumentNullException.ThrowIfNull(pods);
        ArgumentOutOfRangeException.ThrowIfNegative(desired);
        var live = pods.Where(p => p.Metadata.DeletionTimestamp is null).ToList();
        var current = live.Where(p => IsCurrent(p, templateHash)).ToList();
        var old = live.Where(p => !IsCurrent(p, templateHash)).ToList();
        var delete = new List<string>();
        if (current.Count > desired)
        {
            delete.AddRange(current
                .OrderBy(p => DeploymentStatusCalculator.ReadySince(p) is null ? 0 : 1)
                .ThenByDescending(p => p.Metadata.CreationTimestamp ?? DateTimeOffset.MaxValue)
                .ThenBy(p => p.Metadata.Name, StringComparer.Ordinal)
                .Take(current.Count - desired)
                .Select(p => p.Metadata.Name!));
        }

        var readyCurrent = current.Count(p => DeploymentStatusCalculator.ReadySince(p) is not null);
        if (desired == 0 || readyCurrent >= desired)
        {
            delete.AddRange(old.Select(p => p.Metadata.Name!).Order(StringComparer.Ordinal));
        }

        return new PodScalePlan { Create = Math.Max(0, desired - current.Count), Delete = delete };
    }

    private static bool IsCurrent(Pod pod, string templateHash) =>
        pod.Metadata.Labels is { } labels && labels.TryGetValue(SandboxNames.PodTemplateHashLabel, out var hash) && hash == templateHash;
}
