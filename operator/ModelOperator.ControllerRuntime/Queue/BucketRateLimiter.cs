namespace ModelOperator.ControllerRuntime.Queue;

/// <summary>
/// An overall token bucket shared by all items (client-go's <c>BucketRateLimiter</c>, which wraps
/// golang.org/x/time/rate): the bucket holds at most <c>burst</c> tokens and refills at
/// <c>qps</c> tokens per second. Every call takes one token, going into debt if needed, and waits
/// until that debt is paid: <c>delay = max(0, -tokens) / qps</c>.
/// Example with qps 10, burst 2 at one instant: delays 0, 0, 100 ms, 200 ms, ...
/// </summary>
public sealed class BucketRateLimiter<T> : IRateLimiter<T>
    where T : notnull
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private double _tokens;
    private long _last;

    public BucketRateLimiter(double qps, int burst, TimeProvider timeProvider)
    {
        if (!(qps > 0) || double.IsInfinity(qps))
        {
            throw new ArgumentOutOfRangeException(nameof(qps), qps, "Queries per second must be a finite number greater than zero.");
        }

        if (burst < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(burst), burst, "The burst must be at least 1.");
        }

        ArgumentNullException.ThrowIfNull(timeProvider);
        Qps = qps;
        Burst = burst;
        _time = timeProvider;
        _tokens = burst;
        _last = timeProvider.GetTimestamp();
    }

    public double Qps { get; }

    public int Burst { get; }

    public TimeSpan When(T item)
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            var elapsed = _time.GetElapsedTime(_last, now);
            _last = now;
            _tokens = Math.Min(Burst, _tokens + (elapsed.TotalSeconds * Qps));
            _tokens -= 1;
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / Qps);
        }
    }

    public void Forget(T item)
    {
        // The bucket is shared by every item: there is nothing per item to forget.
    }

    public int NumRequeues(T item) => 0;
}
