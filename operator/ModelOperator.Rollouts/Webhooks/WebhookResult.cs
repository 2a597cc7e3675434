namespace ModelOperator.Rollouts.Webhooks;

/// <summary>
/// How one call of a webhook ended, as the operator's dispatcher reports it to the next plan. The planner folds it into
/// the webhook's record in status once (<see cref="Attempt"/> must be the record's next attempt), so passing the same
/// result again, after a failed status write say, changes nothing.
/// </summary>
/// <param name="Name">The webhook's name.</param>
/// <param name="At">The point (<c>WebhookPoints</c>).</param>
/// <param name="Revision">The point's revision.</param>
/// <param name="Step">The step index for beforeStep, else null.</param>
/// <param name="Attempt">Which call this was, from 1.</param>
/// <param name="StatusCode">The HTTP status when the URL answered (a 3xx is reported, and is a failure).</param>
/// <param name="Error">Why the call failed without an answer (timeout, refused, too large), without the URL's query.</param>
/// <param name="Time">When the call ended.</param>
public sealed record WebhookResult(string Name, string At, string Revision, int? Step, int Attempt, int? StatusCode, string? Error, DateTimeOffset Time)
{
    /// <summary>A 2xx answer.</summary>
    public bool Succeeded => Error is null && StatusCode is >= 200 and <= 299;
}
