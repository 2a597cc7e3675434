using ModelOperator.Kubernetes.Models;
using ModelOperator.Kubernetes.Watching;

namespace ModelOperator.Kubernetes.Tests.Watching;

public sealed class ListWatcherBackoffTests
{
    [Theory]
    [InlineData(1, 800)]
    [InlineData(2, 1600)]
    [InlineData(3, 3200)]
    [InlineData(6, 25600)]
    [InlineData(7, 30000)]
    [InlineData(1000, 30000)]
    public void Backoff_doubles_per_failure_up_to_the_cap(int failures, int expectedMilliseconds)
    {
        var watcher = new ListWatcher<Lease>(new NeverCalledClient());

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), watcher.Backoff(failures));
    }

    [Theory]
    [InlineData(0, 300, 90, 800, 30000, "PageSize")]
    [InlineData(500, 0, 90, 800, 30000, "MinWatchTimeout")]
    [InlineData(500, 300, 0, 800, 30000, "IdleTimeout")]
    [InlineData(500, 300, 90, 0, 30000, "backoff")]
    [InlineData(500, 300, 90, 800, 100, "backoff")]
    public void Options_are_validated(int pageSize, int minWatchSeconds, int idleSeconds, int initialMs, int maxMs, string expected)
    {
        var options = new ListWatcherOptions
        {
            PageSize = pageSize,
            MinWatchTimeout = TimeSpan.FromSeconds(minWatchSeconds),
            IdleTimeout = TimeSpan.FromSeconds(idleSeconds),
            InitialBackoff = TimeSpan.FromMilliseconds(initialMs),
            MaxBackoff = TimeSpan.FromMilliseconds(maxMs),
        };

        var e = Assert.Throws<ArgumentException>(() => new ListWatcher<Lease>(new NeverCalledClient(), options));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Watch_timeouts_are_drawn_from_the_minimum_to_twice_it()
    {
        var watcher = new ListWatcher<Lease>(new NeverCalledClient());

        var drawn = Enumerable.Range(0, 500).Select(_ => watcher.WatchTimeoutSeconds()).ToArray();

        Assert.All(drawn, t => Assert.InRange(t, 300, 599));
        Assert.True(drawn.Max() - drawn.Min() > 100, "the timeouts spread over the range");
    }

    // Construction only; the watcher's behaviour is tested against the in-memory API server and, on a manual clock,
    // through the informers (ControllerRuntime.Tests, ListWatcherEngineTests).
    private sealed class NeverCalledClient : IListerWatcher<Lease>
    {
        public Task<ObjectList<Lease>> ListAsync(int limit, string? continueToken, CancellationToken cancellationToken) => throw new NotSupportedException();

        public IAsyncEnumerable<WatchEvent<Lease>> WatchAsync(string resourceVersion, int timeoutSeconds, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
