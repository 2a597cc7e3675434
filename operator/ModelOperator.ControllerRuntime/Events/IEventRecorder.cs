using ModelOperator.Kubernetes.Models;

namespace ModelOperator.ControllerRuntime.Events;

/// <summary>The two event types core/v1 knows.</summary>
public enum EventType
{
    /// <summary>Something expected happened (e.g. a rollout step).</summary>
    Normal,

    /// <summary>Something a user should look at (e.g. a failed analysis).</summary>
    Warning,
}

/// <summary>
/// Records core/v1 Events about objects, shown by <c>kubectl describe</c> (client-go's <c>EventRecorder</c>).
/// Recording never throws into the caller: failures are logged.
/// </summary>
public interface IEventRecorder
{
    /// <summary>
    /// Records an event. <paramref name="reason"/> is a short UpperCamelCase word (e.g. <c>ScaledUp</c>);
    /// <paramref name="message"/> is for people. The returned task completes once the Event is written
    /// (or the failure is logged); it never faults, so callers may ignore it.
    /// </summary>
    Task RecordAsync(IKubernetesObject involved, EventType type, string reason, string message, CancellationToken cancellationToken = default);
}
