using ModelOperator.ControllerRuntime.Queue;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.ControllerRuntime.Controllers;

/// <summary>Settings of a <see cref="Controller"/>.</summary>
public sealed record ControllerOptions
{
    /// <summary>How many keys are reconciled at once (never the same key twice). Default 1.</summary>
    public int Workers { get; init; } = 1;

    /// <summary>Backoff for failed keys; defaults to <see cref="RateLimiters.DefaultController{T}"/>.</summary>
    public IRateLimiter<ObjectKey>? RateLimiter { get; init; }

    /// <summary>
    /// How soon a key whose reconcile met a conflict (409) runs again: a fixed short wait for the watch to bring the newer
    /// object, not a backoff. Default 100 ms.
    /// </summary>
    public TimeSpan ConflictRequeueDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting and what is allowed.</summary>
    public void Validate()
    {
        if (Workers is < 1 or > 1024)
        {
            throw new ArgumentException($"{nameof(Workers)} is {Workers}; it must be between 1 and 1024.");
        }

        if (ConflictRequeueDelay <= TimeSpan.Zero || ConflictRequeueDelay > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentException($"{nameof(ConflictRequeueDelay)} is {ConflictRequeueDelay}; it must be more than 0 and at most 1 minute.");
        }
    }
}
