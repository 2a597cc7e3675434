namespace ModelOperator.Api;

/// <summary>The values of <c>status.phase</c>: a one-word summary for <c>kubectl get md</c>; conditions carry the detail.</summary>
public static class Phases
{
    /// <summary>Observed but nothing is serving yet (first revision starting).</summary>
    public const string Pending = "Pending";

    /// <summary>A canary is moving through the rollout steps.</summary>
    public const string Progressing = "Progressing";

    /// <summary>The rollout waits: <c>spec.paused</c>, a pause step without duration, or an inconclusive analysis.</summary>
    public const string Paused = "Paused";

    /// <summary>The stable revision serves all traffic and is ready.</summary>
    public const string Healthy = "Healthy";

    /// <summary>Serving, but not as wanted (not enough ready replicas, failed bake, crash loop).</summary>
    public const string Degraded = "Degraded";

    /// <summary>The last canary was rolled back and quarantined; the stable revision serves.</summary>
    public const string RolledBack = "RolledBack";

    /// <summary>The spec failed validation; nothing changes until a new generation fixes it.</summary>
    public const string Invalid = "Invalid";
}
