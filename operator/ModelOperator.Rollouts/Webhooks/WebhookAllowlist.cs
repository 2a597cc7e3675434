namespace ModelOperator.Rollouts.Webhooks;

/// <summary>
/// The addresses the cluster admin lets webhooks call (ANALYSIS_WEB_ALLOWED_PREFIXES, the same list as web metrics).
/// The planner only asks; the operator supplies the one allowlist implementation it already uses for web metrics.
/// </summary>
/// <param name="Prefixes">The allowed prefixes, for messages.</param>
/// <param name="Allows">Whether an absolute URL falls under one of them.</param>
public sealed record WebhookAllowlist(IReadOnlyList<string> Prefixes, Func<Uri, bool> Allows)
{
    /// <summary>Nothing is allowed (the default: an admin opts in).</summary>
    public static WebhookAllowlist None { get; } = new([], _ => false);
}
