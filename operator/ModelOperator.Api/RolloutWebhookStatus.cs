using ModelOperator.Api.Schema;

namespace ModelOperator.Api;

/// <summary>
/// What the operator recorded of one webhook at one point of a rollout. The webhook decisions rest on these records
/// only, so a restarted operator resumes: a confirm still waits, a notify already sent is not sent again.
/// </summary>
[Description("One webhook at one point of a rollout: its calls so far and their last result. The decisions rest on these records, so a restarted operator resumes where the last one stopped.")]
public sealed record WebhookCallStatus
{
    [Description("The webhook's name in spec.rollout.webhooks.")]
    [Required]
    [Length(1, 63)]
    public string? Name { get; init; }

    [Description("The point: beforeRollout, beforeStep, beforePromotion, afterPromotion or onRollback.")]
    [Required]
    [Enum(typeof(WebhookPoints))]
    public string? At { get; init; }

    [Description("The revision the point belongs to (the canary's, or the one promoted or rolled back).")]
    [Required]
    [Length(1, 63)]
    public string? Revision { get; init; }

    [Description("For beforeStep, the index in spec.rollout.steps of the step about to start.")]
    [Range(0, 50)]
    public int? Step { get; init; }

    [Description("For onRollback, why the revision was rolled back (a reason such as HighErrorRate).")]
    [Length(0, 64)]
    public string? Reason { get; init; }

    [Description("How many calls were made.")]
    [Range(0, 1_000_000)]
    public int? Attempts { get; init; }

    [Description("Calls that failed (non-2xx, timeout, refused, redirect).")]
    [Range(0, 1_000_000)]
    public int? Failures { get; init; }

    [Description("The HTTP status of the last call, when it answered.")]
    [Range(0, 999)]
    public int? LastStatusCode { get; init; }

    [Description("Why the last call failed, without the URL's query or any header.")]
    [Length(0, 512)]
    public string? LastError { get; init; }

    [Description("When the record was made (the point was reached).")]
    public DateTimeOffset? Since { get; init; }

    [Description("When the last call ended.")]
    public DateTimeOffset? LastAttemptTime { get; init; }

    [Description("Whether a call answered 2xx; the point is then passed for this webhook.")]
    public bool? Succeeded { get; init; }

    [Description("Whether the operator stopped calling: a notify out of retries, or a check that failed the rollout.")]
    public bool? GaveUp { get; init; }
}
