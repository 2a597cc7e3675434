namespace ModelOperator.Kubernetes.Models;

/// <summary>
/// The common condition shape (metav1.Condition; HPA and Gateway API conditions use it too).
/// <see cref="LastTransitionTime"/> changes only when <see cref="Status"/> flips.
/// </summary>
public sealed record Condition
{
    public required string Type { get; init; }

    /// <summary><c>True</c>, <c>False</c> or <c>Unknown</c>.</summary>
    public required string Status { get; init; }

    public long? ObservedGeneration { get; init; }

    public DateTimeOffset? LastTransitionTime { get; init; }

    public string? Reason { get; init; }

    public string? Message { get; init; }

    /// <summary>
    /// The one rule for a condition's <c>lastTransitionTime</c>, whatever its type (ours, a Deployment's, a Pod's): the
    /// previous time while the status stays the same, <paramref name="now"/> when it flips, is new, or had no time.
    /// </summary>
    public static DateTimeOffset TransitionTime(string? previousStatus, DateTimeOffset? previousTime, string status, DateTimeOffset now) =>
        string.Equals(previousStatus, status, StringComparison.Ordinal) && previousTime is { } kept ? kept : now;
}
