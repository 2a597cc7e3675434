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
    [InlineData(500, 0, 90, 800, 30000, "WatchTimeoutSeconds")]
    [InlineData(500, 300, 0, 800, 30000, "IdleTimeout")]
    [InlineData(500, 300, 90, 0, 30000, "backoff")]
    [InlineData(500, 300, 90, 800, 100, "backoff")]
    public void Options_are_validated(int pageSize, int watchTimeout, int idleSeconds, int initialMs, int maxMs, string expected)
    {
        var options = new ListWatcherOptions
        {
            PageSize = pageSize,
            WatchTimeoutSeconds = watchTimeout,
            IdleTimeout = TimeSpan.FromSeconds(idleSeconds),
            InitialBackoff = TimeSpan.FromMilliseconds(initialMs),
            MaxBackoff = TimeSpan.FromMilliseconds(maxMs),
        };

        var e = Assert.Throws<ArgumentException>(() => new ListWatcher<Lease>(new NeverCalledClient(), options));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    // Construction only; the watcher's behaviour is tested against the in-memory API server.
    private sealed class NeverCalledClient : IResourceClient<Lease>
    {
        public Task<Lease> GetAsync(ObjectKey key, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ObjectList<Lease>> ListAsync(string? @namespace, ListOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ObjectList<Lease>> ListAllAsync(string? @namespace, ListOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public IAsyncEnumerable<WatchEvent<Lease>> WatchAsync(string? @namespace, WatchOptions options, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<Lease> CreateAsync(Lease obj, WriteOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<Lease> UpdateAsync(Lease obj, WriteOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<Lease?> DeleteAsync(ObjectKey key, DeleteOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<Lease> PatchAsync(ObjectKey key, Patch patch, WriteOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<Lease> ApplyAsync(Lease obj, ApplyOptions options, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<Lease> GetStatusAsync(ObjectKey key, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<Lease> UpdateStatusAsync(Lease obj, WriteOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<Lease> PatchStatusAsync(ObjectKey key, Patch patch, WriteOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<Lease> ApplyStatusAsync(Lease obj, ApplyOptions options, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<Scale> GetScaleAsync(ObjectKey key, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<Scale> UpdateScaleAsync(ObjectKey key, Scale scale, WriteOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
