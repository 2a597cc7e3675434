namespace ModelOperator.ControllerRuntime.Queue;

/// <summary>Ready-made rate limiters.</summary>
public static class RateLimiters
{
    /// <summary>
    /// controller-runtime's default: per-item exponential backoff (5 ms .. 1000 s) combined with an
    /// overall bucket of 10 qps and a burst of 100, whichever is longer.
    /// </summary>
    public static IRateLimiter<T> DefaultController<T>(TimeProvider timeProvider)
        where T : notnull =>
        new MaxOfRateLimiter<T>(
            new ExponentialFailureRateLimiter<T>(),
            new BucketRateLimiter<T>(10, 100, timeProvider));
}
