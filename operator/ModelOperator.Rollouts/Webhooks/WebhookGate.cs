namespace ModelOperator.Rollouts.Webhooks;

/// <summary>What the confirm and check webhooks of one point say about passing it.</summary>
public enum WebhookGateState
{
    /// <summary>No confirm or check at the point, or every one answered 2xx: go on.</summary>
    Open,

    /// <summary>A check has not answered 2xx yet and may still: wait (bounded by its timeout and retries).</summary>
    Checking,

    /// <summary>A confirm has not answered 2xx: the rollout waits (paused) until it does.</summary>
    WaitingForConfirmation,

    /// <summary>A check failed more often than it may: roll back.</summary>
    Failed,
}

/// <summary>The gate's state, the webhook that decided it and words for conditions, decisions and Events.</summary>
/// <param name="State">Open, waiting or failed.</param>
/// <param name="Webhook">The webhook that holds or failed the point; null when open.</param>
/// <param name="Message">What is waited for or what failed, with the last status code or error.</param>
/// <param name="StatusCode">The last HTTP status of <paramref name="Webhook"/>, when it answered.</param>
/// <param name="Started">True when this plan reached the point for the first time (an Event says so once).</param>
public sealed record WebhookGate(WebhookGateState State, string? Webhook, string? Message, int? StatusCode, bool Started)
{
    public static WebhookGate Open { get; } = new(WebhookGateState.Open, null, null, null, false);
}
