namespace ModelOperator.Rollouts.Webhooks;

/// <summary>When a webhook is called again after a failed call. Pure.</summary>
public static class WebhookRetry
{
    /// <summary>The first delay after a failure.</summary>
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(5);

    /// <summary>The longest delay: a confirm that keeps answering non-2xx is asked again at least this often.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The delay after <paramref name="failures"/> failed calls in a row: <c>5s · 2^(failures-1)</c>, at most 1m.
    /// <code>
    /// 0 → 0 (nothing failed: call now)   1 → 5s   2 → 10s   3 → 20s   4 → 40s   5 and more → 1m
    /// </code>
    /// </summary>
    public static TimeSpan Delay(int failures)
    {
        if (failures <= 0)
        {
            return TimeSpan.Zero;
        }

        // 2^4 · 5s = 80s is already above the cap: larger exponents need no arithmetic (and cannot overflow).
        return failures > 4 ? MaxDelay : TimeSpan.FromTicks(Math.Min(FirstDelay.Ticks << (failures - 1), MaxDelay.Ticks));
    }

    /// <summary>
    /// The number of failed calls at which a check fails the rollout: each run is one call plus its retries, and
    /// <c>failureLimit</c> failed runs are tolerated, as for the analysis: <c>(1 + retries) · (failureLimit + 1)</c>.
    /// Examples: retries 0, failureLimit 0 → 1 (the first failure rolls back); retries 2, failureLimit 0 → 3;
    /// retries 1, failureLimit 2 → 6.
    /// </summary>
    public static long FailuresThatFailACheck(int retries, int failureLimit) => (1L + Math.Max(0, retries)) * (Math.Max(0, failureLimit) + 1L);
}
