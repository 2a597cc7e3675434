namespace ModelOperator.Rollouts.Webhooks;

/// <summary>
/// A webhook call the plan asks for: which webhook, at which point, which attempt. The operator renders the URL, POSTs
/// the rollout's context (from the plan's status) in the background and reports a <see cref="WebhookResult"/>.
/// </summary>
/// <param name="Name">The webhook's name.</param>
/// <param name="Kind">confirm, check or notify.</param>
/// <param name="Url">The URL template (placeholders not yet replaced).</param>
/// <param name="At">The point.</param>
/// <param name="Revision">The point's revision (the <c>{{revision}}</c> placeholder).</param>
/// <param name="ModelVersion">The model version of <paramref name="Revision"/>.</param>
/// <param name="Step">The step index for beforeStep, else null.</param>
/// <param name="Reason">For onRollback, why the revision was rolled back.</param>
/// <param name="Attempt">Which call this is, from 1.</param>
/// <param name="Timeout">How long the call may take.</param>
public sealed record WebhookCall(string Name, string Kind, string Url, string At, string Revision, string? ModelVersion, int? Step, string? Reason, int Attempt, TimeSpan Timeout);
