namespace ModelOperator.Operator.Http;

/// <summary>
/// The shared bounds of every outbound call one reconcile makes: at most <c>concurrency</c> calls at once, and none after
/// the deadline. Begun around a reconcile (<see cref="OutboundBudgetReconciler"/>) and found by <see cref="OutboundHttp"/>
/// through <see cref="Current"/>, an async-local like <c>Activity.Current</c>: the probes, load scrapes and analysis
/// queries of a reconcile reach the client through interfaces that know nothing of reconciles, and the bound must
/// cover them all together. Outside a reconcile (tests of a single provider) there is none and only the per-call
/// bounds apply.
/// </summary>
public sealed class OutboundBudget : IDisposable
{
    private static readonly AsyncLocal<OutboundBudget?> Ambient = new();
    private readonly CancellationTokenSource _deadline;
    private readonly OutboundBudget? _outer;

    private OutboundBudget(TimeSpan deadline, int concurrency, TimeProvider time)
    {
        Deadline = deadline;
        _deadline = new CancellationTokenSource(deadline, time);
        Gate = new SemaphoreSlim(concurrency, concurrency);
        _outer = Ambient.Value;
    }

    /// <summary>The budget of the reconcile running on this async flow, if any.</summary>
    public static OutboundBudget? Current => Ambient.Value;

    /// <summary>How long the calls of this reconcile may take together.</summary>
    public TimeSpan Deadline { get; }

    /// <summary>Cancelled when the deadline has passed.</summary>
    public CancellationToken Expired => _deadline.Token;

    /// <summary>Held for the length of one call.</summary>
    internal SemaphoreSlim Gate { get; }

    /// <summary>Starts a budget for the calls made on this async flow until it is disposed.</summary>
    public static OutboundBudget Begin(TimeSpan deadline, int concurrency, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        var budget = new OutboundBudget(deadline, concurrency, time);
        Ambient.Value = budget;
        return budget;
    }

    public void Dispose()
    {
        Ambient.Value = _outer;
        // The gate is not disposed: a SemaphoreSlim needs it only for its wait handle, which is never asked for.
        _deadline.Dispose();
    }
}
