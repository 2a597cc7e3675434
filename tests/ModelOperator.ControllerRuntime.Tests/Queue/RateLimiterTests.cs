using ModelOperator.ControllerRuntime.Queue;
using ModelOperator.Testing;

namespace ModelOperator.ControllerRuntime.Tests.Queue;

public sealed class RateLimiterTests
{
    [Theory]
    [InlineData(0, 5)]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(10, 5120)]
    [InlineData(17, 655_360)]
    [InlineData(18, 1_000_000)] // 5 ms * 2^18 = 1310.72 s, capped at 1000 s
    [InlineData(62, 1_000_000)]
    [InlineData(1000, 1_000_000)] // no overflow for absurd exponents
    public void Backoff_doubles_from_the_base_and_stops_at_the_cap(int exponent, long expectedMilliseconds)
    {
        var delay = ExponentialFailureRateLimiter<string>.Backoff(
            TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000), exponent);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), delay);
    }

    [Fact]
    public void Exponential_limiter_grows_per_item_and_Forget_resets_it()
    {
        var limiter = new ExponentialFailureRateLimiter<string>(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(6));

        Assert.Equal(TimeSpan.FromMilliseconds(1), limiter.When("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(2), limiter.When("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(1), limiter.When("b"));
        Assert.Equal(TimeSpan.FromMilliseconds(4), limiter.When("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(6), limiter.When("a"));
        Assert.Equal(4, limiter.NumRequeues("a"));
        Assert.Equal(1, limiter.NumRequeues("b"));

        limiter.Forget("a");

        Assert.Equal(0, limiter.NumRequeues("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(1), limiter.When("a"));
        Assert.Equal(1, limiter.NumRequeues("b"));
    }

    [Fact]
    public void Exponential_limiter_rejects_bad_settings_with_a_clear_message()
    {
        var zero = Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialFailureRateLimiter<string>(TimeSpan.Zero, TimeSpan.FromSeconds(1)));
        Assert.Contains("greater than zero", zero.Message, StringComparison.Ordinal);

        var inverted = Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialFailureRateLimiter<string>(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
        Assert.Contains("at least the base delay", inverted.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bucket_allows_the_burst_then_spaces_calls_by_one_over_qps()
    {
        var clock = new ManualTimeProvider();
        var limiter = new BucketRateLimiter<string>(qps: 10, burst: 2, clock);

        var delays = Enumerable.Range(0, 5).Select(i => limiter.When("x" + i)).ToArray();

        Assert.Equal(
            new[] { TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(300) },
            delays.Select(d => TimeSpan.FromMilliseconds(Math.Round(d.TotalMilliseconds))).ToArray());
        Assert.Equal(0, limiter.NumRequeues("x0"));
    }

    [Fact]
    public void Bucket_refills_with_time_but_never_beyond_the_burst()
    {
        var clock = new ManualTimeProvider();
        var limiter = new BucketRateLimiter<string>(qps: 10, burst: 2, clock);
        limiter.When("a");
        limiter.When("a");

        // 150 ms refills 1.5 tokens: one call is free, the next waits for the missing half token.
        clock.Advance(TimeSpan.FromMilliseconds(150));
        Assert.Equal(TimeSpan.Zero, limiter.When("a"));
        Assert.Equal(50, Math.Round(limiter.When("a").TotalMilliseconds));

        // An hour later the bucket holds only the burst.
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(TimeSpan.Zero, limiter.When("a"));
        Assert.Equal(TimeSpan.Zero, limiter.When("a"));
        Assert.Equal(100, Math.Round(limiter.When("a").TotalMilliseconds));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-1, 1)]
    [InlineData(double.NaN, 1)]
    [InlineData(double.PositiveInfinity, 1)]
    [InlineData(10, 0)]
    public void Bucket_rejects_bad_settings(double qps, int burst)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BucketRateLimiter<string>(qps, burst, new ManualTimeProvider()));
    }

    [Fact]
    public void MaxOf_takes_the_longest_delay_and_forgets_in_every_limiter()
    {
        var clock = new ManualTimeProvider();
        var limiter = new MaxOfRateLimiter<string>(
            new ExponentialFailureRateLimiter<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000)),
            new BucketRateLimiter<string>(qps: 1, burst: 1, clock));

        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When("a")); // bucket free, backoff 5 ms
        Assert.Equal(TimeSpan.FromSeconds(1), limiter.When("a"));      // bucket 1 s beats backoff 10 ms
        Assert.Equal(2, limiter.NumRequeues("a"));

        limiter.Forget("a");
        Assert.Equal(0, limiter.NumRequeues("a"));
    }

    [Fact]
    public void MaxOf_needs_at_least_one_limiter()
    {
        Assert.Throws<ArgumentException>(() => new MaxOfRateLimiter<string>());
    }

    [Fact]
    public void Default_controller_limiter_starts_at_five_milliseconds()
    {
        var limiter = RateLimiters.DefaultController<string>(new ManualTimeProvider());

        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(10), limiter.When("a"));
    }
}
