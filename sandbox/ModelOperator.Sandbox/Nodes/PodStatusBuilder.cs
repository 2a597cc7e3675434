using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Sandbox.Nodes;

/// <summary>What the agent knows about one container's process at a moment.</summary>
internal sealed record ContainerObservation
{
    public required string Name { get; init; }

    public required string Image { get; init; }

    /// <summary>Running, or waiting (ContainerCreating, CrashLoopBackOff, CreateContainerConfigError).</summary>
    public required ContainerState State { get; init; }

    public ContainerState? LastState { get; init; }

    public int RestartCount { get; init; }

    public bool Ready { get; init; }

    /// <summary>Why the readiness path did not answer 200 (e.g. <c>ChecksumMismatch: ...</c>), when not ready.</summary>
    public string? NotReadyReason { get; init; }

    public DateTimeOffset? StartTime { get; init; }
}

/// <summary>
/// Builds a pod's status from its container's observation (pure). Phase Running once a process was started
/// (Pending before), podIP/hostIP 127.0.0.1, conditions PodScheduled, Initialized, ContainersReady and Ready;
/// the not-ready conditions carry the server's reason in their message. A condition keeps its
/// lastTransitionTime unless its status flips.
/// </summary>
internal static class PodStatusBuilder
{
    public const string Loopback = "127.0.0.1";

    public static PodStatus Build(ContainerObservation container, PodStatus? previous, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(container);
        var started = container.StartTime is not null;
        var readyStatus = container.Ready ? "True" : "False";
        var message = container.Ready
            ? null
            : $"containers with unready status: [{container.Name}]" + (container.NotReadyReason is null ? string.Empty : $" {container.NotReadyReason}");
        var reason = container.Ready ? null : SandboxNames.ContainersNotReady;
        return new PodStatus
        {
            Phase = started ? "Running" : "Pending",
            PodIP = started ? Loopback : null,
            HostIP = Loopback,
            StartTime = container.StartTime,
            Conditions =
            [
                Condition(previous, "PodScheduled", "True", null, null, now),
                Condition(previous, "Initialized", "True", null, null, now),
                Condition(previous, "ContainersReady", readyStatus, reason, message, now),
                Condition(previous, "Ready", readyStatus, reason, message, now),
            ],
            ContainerStatuses =
            [
                new ContainerStatus
                {
                    Name = container.Name,
                    Image = container.Image,
                    Ready = container.Ready,
                    Started = container.State.Running is not null,
                    RestartCount = container.RestartCount,
                    State = container.State,
                    LastState = container.LastState,
                },
            ],
        };
    }

    private static PodCondition Condition(PodStatus? previous, string type, string status, string? reason, string? message, DateTimeOffset now)
    {
        var old = previous?.Conditions?.FirstOrDefault(c => c.Type == type);
        return new PodCondition
        {
            Type = type,
            Status = status,
            Reason = reason,
            Message = message,
            LastTransitionTime = ModelOperator.Kubernetes.Models.Condition.TransitionTime(old?.Status, old?.LastTransitionTime, status, now),
        };
    }
}
