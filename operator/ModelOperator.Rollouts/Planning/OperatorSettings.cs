using ModelOperator.Rollouts.Webhooks;

namespace ModelOperator.Rollouts.Planning;

/// <summary>The operator's own settings that the planner needs (validated at start by the host).</summary>
public sealed record OperatorSettings
{
    /// <summary>The model server image used when <c>spec.runtime.image</c> is not set.</summary>
    public required string DefaultImage { get; init; }

    /// <summary>
    /// Image prefixes a <c>spec.runtime.image</c> must start with (<see cref="TenantPolicy.IsImageAllowed"/>); empty
    /// allows every image. <see cref="DefaultImage"/> is always allowed.
    /// </summary>
    public IReadOnlyList<string> ImageAllowlist { get; init; } = [];

    /// <summary>Whether serving pods may tolerate control-plane taints (or every taint); off unless the admin opts in.</summary>
    public bool AllowControlPlaneTolerations { get; init; }

    /// <summary>Container restarts tolerated over a revision's pods before it counts as crash looping.</summary>
    public int MaxRestarts { get; init; } = 3;

    /// <summary>How soon to look again while waiting for pods (watches usually wake the operator earlier).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The addresses spec.rollout.webhooks may call; a URL outside them makes the spec invalid.</summary>
    public WebhookAllowlist WebhookAllowlist { get; init; } = WebhookAllowlist.None;

    /// <summary>How often autoscaling recommendations are refreshed.</summary>
    public TimeSpan AutoscalingInterval { get; init; } = TimeSpan.FromSeconds(15);
}
