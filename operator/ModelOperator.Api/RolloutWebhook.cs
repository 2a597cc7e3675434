using ModelOperator.Api.Schema;

namespace ModelOperator.Api;

/// <summary>
/// A call the operator makes at a defined point of a rollout: <c>confirm</c> gates it (waits until a 2xx), <c>check</c>
/// counts as an analysis (a non-2xx or a timeout fails it), <c>notify</c> only informs.
/// </summary>
[Description("An HTTP POST of the rollout's context (JSON) at a point of the rollout. confirm: the rollout waits at the point until the URL answers 2xx (shown as Paused, WaitingForConfirmation). check: a failure (non-2xx, timeout, redirect) after its retries counts as a failed analysis run toward failureLimit; then the canary is rolled back (WebhookCheckFailed). notify: only informs, never blocks. The URL must start with a prefix the cluster admin allows (ANALYSIS_WEB_ALLOWED_PREFIXES, as for web metrics); redirects are not followed.")]
[CelRule("self.kind == 'notify' || self.at in ['beforeRollout', 'beforeStep', 'beforePromotion']",
    "a confirm or check webhook gates what comes next, so it can only run at beforeRollout, beforeStep or beforePromotion; use kind notify at afterPromotion and onRollback")]
public sealed record RolloutWebhook
{
    /// <summary>At most this many webhooks: each can hold a rollout point, and status keeps a record of each call.</summary>
    public const int MaxWebhooks = 8;

    /// <summary>The longest timeout of one call: a call runs in the background, but a slower hook would hold a dispatcher slot.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The timeout of one call when the spec names none.</summary>
    public const string DefaultTimeout = "10s";

    /// <summary>At most this many retries after a failed call.</summary>
    public const int MaxRetries = 3;

    [Description("The webhook's name as shown in status.webhooks, conditions and Events: lower-case letters, digits and '-' (a DNS label), unique in the list.")]
    [Required]
    [Length(1, 63)]
    [Pattern(AnalysisMetric.NamePattern)]
    public string? Name { get; init; }

    [Description("An http:// or https:// URL the operator POSTs the JSON context to; same placeholders as a web metric ({{namespace}}, {{modelDeployment}}, {{revision}}, {{baselineRevision}}, {{window}}). Its query string is never shown in status, Events or logs.")]
    [Required]
    [Length(1, 2048)]
    public string? Url { get; init; }

    [Description("confirm (wait for a 2xx), check (fail the rollout on a non-2xx) or notify (inform only).")]
    [Required]
    [Enum(typeof(WebhookKinds))]
    public string? Kind { get; init; }

    [Description("The point of the rollout: beforeRollout (before the canary starts), beforeStep (before each step), beforePromotion (after the last step), afterPromotion, onRollback.")]
    [Required]
    [Enum(typeof(WebhookPoints))]
    public string? At { get; init; }

    [Description("How long one call may take, as a duration up to 60s.")]
    [Duration]
    [Default(DefaultTimeout)]
    public string? Timeout { get; init; }

    [Description("How many times a failed call is repeated (0-3) before check counts a failure and notify gives up; confirm keeps calling until a 2xx.")]
    [Range(0, MaxRetries, Allowed = "{0} to {1} retries")]
    [Default(0)]
    public int? Retries { get; init; }

    [Description("Headers sent with the POST, e.g. Authorization with a bearer token from a Secret in the ModelDeployment's namespace. At most 10. A header whose Secret or key is missing makes the call fail without sending it (a confirm keeps waiting, a check counts a failure).")]
    [Items(0, HttpHeader.MaxHeaders)]
    [ListMap("name")]
    public IReadOnlyList<HttpHeader>? Headers { get; init; }
}

/// <summary>The values of <see cref="RolloutWebhook.Kind"/>.</summary>
public static class WebhookKinds
{
    /// <summary>The rollout waits at the point until the URL answers 2xx.</summary>
    public const string Confirm = "confirm";

    /// <summary>A failure counts as a failed analysis run (failureLimit), then rolls back.</summary>
    public const string Check = "check";

    /// <summary>Informs only; never blocks.</summary>
    public const string Notify = "notify";

    public static IReadOnlyList<string> All { get; } = [Confirm, Check, Notify];
}

/// <summary>The values of <see cref="RolloutWebhook.At"/>: the points of a rollout a webhook runs at.</summary>
public static class WebhookPoints
{
    /// <summary>A new revision is about to start as a canary; the canary is not created until the point is passed.</summary>
    public const string BeforeRollout = "beforeRollout";

    /// <summary>The canary is about to enter a step (each step, the first included).</summary>
    public const string BeforeStep = "beforeStep";

    /// <summary>Every step is done; the canary is about to be promoted.</summary>
    public const string BeforePromotion = "beforePromotion";

    /// <summary>The canary was promoted to stable.</summary>
    public const string AfterPromotion = "afterPromotion";

    /// <summary>The canary (or a baking revision) was rolled back.</summary>
    public const string OnRollback = "onRollback";

    public static IReadOnlyList<string> All { get; } = [BeforeRollout, BeforeStep, BeforePromotion, AfterPromotion, OnRollback];

    /// <summary>The points a confirm or check may gate.</summary>
    public static IReadOnlyList<string> Gates { get; } = [BeforeRollout, BeforeStep, BeforePromotion];
}
