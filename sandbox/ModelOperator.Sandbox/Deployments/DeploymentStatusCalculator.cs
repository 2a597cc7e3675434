using System.Globalization;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Sandbox.Deployments;

/// <summary>
/// Computes a Deployment's whole status from its pods, as the real deployment controller keeps it (pure).
/// <list type="bullet">
/// <item><c>replicas</c>: live (not terminating) pods; <c>updatedReplicas</c>: those of the current template hash.</item>
/// <item><c>readyReplicas</c>: pods whose Ready condition is True; <c>availableReplicas</c>: ready for at least
/// <c>minReadySeconds</c>; <c>unavailableReplicas</c> = max(0, spec.replicas − available).</item>
/// <item><c>Available</c> is True (MinimumReplicasAvailable) when available ≥ spec.replicas − maxUnavailable
/// (maxUnavailable: the rolling update's value, 25% rounded down by default, 0 for Recreate).</item>
/// <item><c>Progressing</c> is True NewReplicaSetAvailable once updated = available = replicas = spec.replicas;
/// True ReplicaSetUpdated while pods change (its lastUpdateTime moves on each change); False ProgressDeadlineExceeded
/// when nothing changed for <c>progressDeadlineSeconds</c> (600 by default) before completing.</item>
/// </list>
/// Worked example: spec.replicas 2, pods a (new, ready 30 s), b (new, not ready), minReadySeconds 0 →
/// replicas 2, updated 2, ready 1, available 1, unavailable 1; maxUnavailable = floor(25% × 2) = 0 so Available is False.
/// </summary>
public static class DeploymentStatusCalculator
{
    public const string Available = "Available";
    public const string Progressing = "Progressing";
    public const string MinimumReplicasAvailable = "MinimumReplicasAvailable";
    public const string MinimumReplicasUnavailable = "MinimumReplicasUnavailable";
    public const string NewReplicaSetAvailable = "NewReplicaSetAvailable";
    public const string ReplicaSetUpdated = "ReplicaSetUpdated";
    public const string ProgressDeadlineExceeded = "ProgressDeadlineExceeded";

    /// <param name="deployment">The Deployment (spec and current status).</param>
    /// <param name="pods">Pods it controls, terminating ones included (they are not counted).</param>
    /// <param name="templateHash">The hash of the current template.</param>
    /// <param name="now">The current time.</param>
    public static DeploymentStatus Compute(Deployment deployment, IReadOnlyList<Pod> pods, string templateHash, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(pods);
        var spec = deployment.Spec ?? new DeploymentSpec();
        var desired = spec.Replicas ?? 1;
        var minReady = TimeSpan.FromSeconds(spec.MinReadySeconds ?? 0);
        var live = pods.Where(p => p.Metadata.DeletionTimestamp is null).ToList();
        var updated = live.Count(p => HashOf(p) == templateHash);
        var ready = live.Count(p => ReadySince(p) is not null);
        var available = live.Count(p => ReadySince(p) is { } since && since + minReady <= now);
        var old = deployment.Status;

        var counts = new DeploymentStatus
        {
            ObservedGeneration = deployment.Metadata.Generation,
            Replicas = live.Count,
            UpdatedReplicas = updated,
            ReadyReplicas = ready,
            AvailableReplicas = available,
            UnavailableReplicas = Math.Max(0, desired - available),
        };

        var minAvailable = desired - MaxUnavailable(spec, desired);
        var availableCondition = available >= minAvailable
            ? Condition(old, Available, "True", MinimumReplicasAvailable, "Deployment has minimum availability.", now, countsChanged: false)
            : Condition(old, Available, "False", MinimumReplicasUnavailable, "Deployment does not have minimum availability.", now, countsChanged: false);

        var complete = updated == desired && available == desired && live.Count == desired;
        var countsChanged = old is null || old.Replicas != counts.Replicas || old.UpdatedReplicas != counts.UpdatedReplicas
            || old.ReadyReplicas != counts.ReadyReplicas || old.AvailableReplicas != counts.AvailableReplicas;
        var name = deployment.Metadata.Name;
        DeploymentCondition progressing;
        if (complete)
        {
            progressing = Condition(old, Progressing, "True", NewReplicaSetAvailable, $"Pods of \"{name}\" (template {templateHash}) have successfully progressed.", now, countsChanged);
        }
        else
        {
            var previous = old?.Conditions?.FirstOrDefault(c => c.Type == Progressing);
            var lastProgress = countsChanged || previous?.Reason == NewReplicaSetAvailable ? now : previous?.LastUpdateTime ?? now;
            var deadline = TimeSpan.FromSeconds(spec.ProgressDeadlineSeconds ?? 600);
            progressing = now - lastProgress > deadline
                ? Condition(old, Progressing, "False", ProgressDeadlineExceeded, $"Pods of \"{name}\" (template {templateHash}) have timed out progressing.", now, countsChanged: false)
                : Condition(old, Progressing, "True", ReplicaSetUpdated, $"Pods of \"{name}\" (template {templateHash}) are progressing.", now, countsChanged || previous?.Reason != ReplicaSetUpdated);
        }

        return counts with { Conditions = [availableCondition, progressing] };
    }

    /// <summary>When the pod last became Ready (its Ready condition's lastTransitionTime), or null when it is not ready.</summary>
    public static DateTimeOffset? ReadySince(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var ready = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
        return ready?.Status == "True" ? ready.LastTransitionTime ?? DateTimeOffset.MinValue : null;
    }

    /// <summary>The rolling update's maxUnavailable resolved against <paramref name="desired"/> (percentages round down); 0 for Recreate.</summary>
    public static int MaxUnavailable(DeploymentSpec spec, int desired)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Strategy?.Type == "Recreate")
        {
            return 0;
        }

        var value = spec.Strategy?.RollingUpdate?.MaxUnavailable;
        if (value?.IntValue is { } n)
        {
            return Math.Clamp(n, 0, desired);
        }

        var text = value?.StringValue ?? "25%";
        return text.EndsWith('%') && int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var percent)
            ? Math.Clamp(desired * percent / 100, 0, desired)
            : 0;
    }

    private static string? HashOf(Pod pod) =>
        pod.Metadata.Labels is { } labels && labels.TryGetValue(SandboxNames.PodTemplateHashLabel, out var hash) ? hash : null;

    private static DeploymentCondition Condition(DeploymentStatus? old, string type, string status, string reason, string message, DateTimeOffset now, bool countsChanged)
    {
        var previous = old?.Conditions?.FirstOrDefault(c => c.Type == type);
        var same = previous is not null && previous.Status == status && previous.Reason == reason;
        return new DeploymentCondition
        {
            Type = type,
            Status = status,
            Reason = reason,
            Message = message,
            LastTransitionTime = ModelOperator.Kubernetes.Models.Condition.TransitionTime(previous?.Status, previous?.LastTransitionTime, status, now),
            LastUpdateTime = same && !countsChanged ? previous!.LastUpdateTime : now,
        };
    }
}
