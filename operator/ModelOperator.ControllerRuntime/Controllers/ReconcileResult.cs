namespace ModelOperator.ControllerRuntime.Controllers;

/// <summary>
/// What a reconcile asks for next (controller-runtime's <c>reconcile.Result</c>). Throw to retry with
/// backoff; throw <see cref="TerminalReconcileException"/> to record a failure without retrying; a conflict
/// (409) thrown from a write is requeued quietly by the <see cref="Controller"/>.
/// </summary>
public readonly record struct ReconcileResult
{
    /// <summary>Nothing more to do until something changes.</summary>
    public static ReconcileResult Done => default;

    /// <summary>When positive, run again after this delay (an expected wait, not a failure).</summary>
    public TimeSpan RequeueAfter { get; init; }

    /// <summary>Run again after <paramref name="delay"/>, which must be positive.</summary>
    public static ReconcileResult After(TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, "A requeue delay must be positive; return ReconcileResult.Done when nothing is to be waited for.");
        }

        return new() { RequeueAfter = delay };
    }
}
