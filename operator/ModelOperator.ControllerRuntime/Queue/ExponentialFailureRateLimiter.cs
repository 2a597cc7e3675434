namespace ModelOperator.ControllerRuntime.Queue;

/// <summary>
/// Per-item exponential backoff: the n-th failure (counting from zero) of an item waits
/// <c>min(baseDelay * 2^n, maxDelay)</c>. Defaults follow client-go: 5 ms base, 1000 s cap,
/// so an item reaches the cap after 18 consecutive failures.
/// </summary>
public sealed class ExponentialFailureRateLimiter<T> : IRateLimiter<T>
    where T : notnull
{
    /// <summary>client-go's default base delay.</summary>
    public static readonly TimeSpan DefaultBaseDelay = TimeSpan.FromMilliseconds(5);

    /// <summary>client-go's default cap.</summary>
    public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromSeconds(1000);

    private readonly Lock _gate = new();
    private readonly Dictionary<T, int> _failures = [];

    public ExponentialFailureRateLimiter()
        : this(DefaultBaseDelay, DefaultMaxDelay)
    {
    }

    public ExponentialFailureRateLimiter(TimeSpan baseDelay, TimeSpan maxDelay)
    {
        if (baseDelay <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(baseDelay), baseDelay, "The base delay must be greater than zero.");
        }

        if (maxDelay < baseDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDelay), maxDelay, $"The maximum delay must be at least the base delay ({baseDelay}).");
        }

        BaseDelay = baseDelay;
        MaxDelay = maxDelay;
    }

    public TimeSpan BaseDelay { get; }

    public TimeSpan MaxDelay { get; }

    public TimeSpan When(T item)
    {
        int exponent;
        lock (_gate)
        {
            _failures.TryGetValue(item, out exponent);
            _failures[item] = exponent == int.MaxValue ? exponent : exponent + 1;
        }

        return Backoff(BaseDelay, MaxDelay, exponent);
    }

    public void Forget(T item)
    {
        lock (_gate)
        {
            _failures.Remove(item);
        }
    }

    public int NumRequeues(T item)
    {
        lock (_gate)
        {
            return _failures.TryGetValue(item, out var n) ? n : 0;
        }
    }

    /// <summary><c>min(baseDelay * 2^exponent, maxDelay)</c>, without overflowing for large exponents.</summary>
    internal static TimeSpan Backoff(TimeSpan baseDelay, TimeSpan maxDelay, int exponent)
    {
        var ticks = baseDelay.Ticks * Math.Pow(2, exponent);
        return ticks >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)ticks);
    }
}
