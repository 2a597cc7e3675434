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

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting and what is allowed.</summary>
    public void Validate()
    {
        if (Workers is < 1 or > 1024)
        {
            throw new ArgumentException($"{nameof(Workers)} is {Workers}; it must be between 1 and 1024.");
        }
    }
}
