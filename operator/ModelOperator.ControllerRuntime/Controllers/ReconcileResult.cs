namespace ModelOperator.ControllerRuntime.Controllers;

/// <summary>
/// What a reconcile asks for next (controller-runtime's <c>reconcile.Result</c>). Throw to retry with
/// backoff; throw <see cref="TerminalReconcileException"/> to record a failure without retrying.
/// </summary>
public readonly record struct ReconcileResult
{
    /// <summary>Nothing more to do until something changes.</summary>
    public static ReconcileResult Done => default;

    /// <summary>Run again soon, through the rate limiter (counts as a retry).</summary>
    public static ReconcileResult Requeue => new() { RequeueNow = true };

    /// <summary>Ask to be queued again through the rate limiter.</summary>
    public bool RequeueNow { get; init; }

    /// <summary>When positive, run again after this delay (an expected wait, not a failure); wins over <see cref="RequeueNow"/>.</summary>
    public TimeSpan RequeueAfter { get; init; }

    /// <summary>Run again after <paramref name="delay"/>, which must be positive.</summary>
    public static ReconcileResult After(TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, "A requeue delay must be positive; use ReconcileResult.Requeue to run again at once.");
        }

        return new() { RequeueAfter = delay };
    }
}
