using System.Threading.Channels;
using ModelOperator.ApiServer.Hosting;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Kubernetes.Watching;
using ModelOperator.Testing;

namespace ModelOperator.Kubernetes.Tests.ApiServer;

public sealed class WatchTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private static Lease NewLease(string name) => new() { Metadata = new ObjectMeta { Name = name, Namespace = "default" } };

    [Fact]
    public async Task Watch_from_a_list_version_streams_added_modified_deleted()
    {
        await using var api = await ApiServerFixture.StartAsync();
        var leases = api.Client.Resource<Lease>();
        var version = (await leases.ListAsync("default")).Metadata.ResourceVersion;
        using var cts = new CancellationTokenSource(Deadline);

        var created = await leases.CreateAsync(NewLease("a"));
        await leases.UpdateAsync(created with { Spec = new LeaseSpec { HolderIdentity = "pod-1" } });
        await leases.DeleteAsync(ObjectKey.From(created));
        var events = new List<WatchEvent<Lease>>();
        await foreach (var e in leases.WatchAsync("default", new WatchOptions { ResourceVersion = version, AllowWatchBookmarks = false }, cts.Token))
        {
            events.Add(e);
            if (events.Count == 3)
            {
                break;
            }
        }

        Assert.Equal([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Deleted], events.Select(e => e.Type));
        Assert.Equal("pod-1", events[1].Object!.Spec!.HolderIdentity);
        Assert.All(events, e => Assert.False(string.IsNullOrEmpty(e.ResourceVersion)));
    }

    [Fact]
    public async Task Bookmarks_are_surfaced_by_the_raw_watch()
    {
        await using var api = await ApiServerFixture.StartAsync(serverOptions: new InMemoryApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(50) });
        var leases = api.Client.Resource<Lease>();
        var version = (await leases.ListAsync("default")).Metadata.ResourceVersion;
        using var cts = new CancellationTokenSource(Deadline);

        WatchEvent<Lease>? bookmark = null;
        await foreach (var e in leases.WatchAsync("default", new WatchOptions { ResourceVersion = version, AllowWatchBookmarks = true }, cts.Token))
        {
            bookmark = e;
            break;
        }

        Assert.Equal(WatchEventType.Bookmark, bookmark!.Type);
        Assert.False(string.IsNullOrEmpty(bookmark.ResourceVersion));
    }

    [Fact]
    public async Task Watch_from_a_compacted_version_ends_with_410()
    {
        await using var api = await ApiServerFixture.StartAsync();
        var leases = api.Client.Resource<Lease>();
        var old = (await leases.ListAsync("default")).Metadata.ResourceVersion;
        await leases.CreateAsync(NewLease("a"));
        await leases.CreateAsync(NewLease("b"));
        api.Server.CompactHistory();
        using var cts = new CancellationTokenSource(Deadline);

        var events = new List<WatchEvent<Lease>>();
        try
        {
            await foreach (var e in leases.WatchAsync("default", new WatchOptions { ResourceVersion = old }, cts.Token))
            {
                events.Add(e);
            }
        }
        catch (KubernetesGoneException)
        {
            // A server may also refuse the watch request itself with 410; both mean "relist".
            return;
        }

        var error = Assert.Single(events);
        Assert.Equal(WatchEventType.Error, error.Type);
        Assert.Equal(410, error.Status!.Code);
    }

    [Fact]
    public async Task List_watcher_relists_after_410_and_then_watches_from_the_fresh_version()
    {
        await using var api = await ApiServerFixture.StartAsync();
        var leases = api.Client.Resource<Lease>();
        await leases.CreateAsync(NewLease("a"));
        var watcher = new ListWatcher<Lease>(new ResourceListerWatcher<Lease>(leases, "default"));
        await using var updates = Updates.Start(watcher);

        var first = Assert.IsType<ListWatchSnapshot<Lease>>(await updates.NextAsync());
        api.Server.Faults.GoneOnNextWatch();
        await Eventually.TrueAsync(() => api.Server.OpenWatches == 1);
        api.Server.Faults.EndAllWatches();
        var second = Assert.IsType<ListWatchSnapshot<Lease>>(await updates.NextAsync());
        await leases.CreateAsync(NewLease("b"));
        var change = Assert.IsType<ListWatchChange<Lease>>(await updates.NextAsync());

        Assert.Equal("a", Assert.Single(first.Items).Metadata.Name);
        Assert.Equal("a", Assert.Single(second.Items).Metadata.Name);
        Assert.Equal(WatchEventType.Added, change.Event.Type);
        Assert.Equal("b", change.Event.Object!.Metadata.Name);
        Assert.Equal(change.Event.ResourceVersion, watcher.ResourceVersion);
    }

    [Fact]
    public async Task List_watcher_resumes_a_watch_the_server_ended_without_relisting()
    {
        await using var api = await ApiServerFixture.StartAsync();
        var leases = api.Client.Resource<Lease>();
        var watcher = new ListWatcher<Lease>(new ResourceListerWatcher<Lease>(leases, "default"));
        await using var updates = Updates.Start(watcher);

        Assert.IsType<ListWatchSnapshot<Lease>>(await updates.NextAsync());
        await Eventually.TrueAsync(() => api.Server.OpenWatches == 1);
        api.Server.Faults.EndAllWatches();
        await leases.CreateAsync(NewLease("while-disconnected"));
        var change = Assert.IsType<ListWatchChange<Lease>>(await updates.NextAsync());

        Assert.Equal("while-disconnected", change.Event.Object!.Metadata.Name);
    }

    [Fact]
    public async Task A_silent_watch_is_abandoned_after_the_idle_timeout_and_resumed()
    {
        var time = new ManualTimeProvider();
        var logs = new TestLoggerFactory();
        await using var api = await ApiServerFixture.StartAsync(
            new KubernetesClientOptions { TimeProvider = time },
            new InMemoryApiServerOptions { BookmarkInterval = TimeSpan.FromHours(1) });
        var leases = api.Client.Resource<Lease>();
        var watcher = new ListWatcher<Lease>(
            new ResourceListerWatcher<Lease>(leases, "default"), new ListWatcherOptions { IdleTimeout = TimeSpan.FromSeconds(30) }, time, logs.CreateLogger("watcher"));
        await using var updates = Updates.Start(watcher);

        Assert.IsType<ListWatchSnapshot<Lease>>(await updates.NextAsync());
        await Eventually.TrueAsync(() => api.Server.OpenWatches == 1 && time.PendingTimers == 1);
        time.Advance(TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => logs.Entries.Count(e => e.Id.Name == "LogWatchStarted") == 2);
        await leases.CreateAsync(NewLease("after-silence"));
        var change = Assert.IsType<ListWatchChange<Lease>>(await updates.NextAsync());

        Assert.True(logs.Has("LogWatchIdle"));
        Assert.Equal("after-silence", change.Event.Object!.Metadata.Name);
        Assert.Equal(1, logs.Entries.Count(e => e.Id.Name == "LogListed"));
    }

    [Fact]
    public async Task Throttled_requests_wait_for_retry_after_and_then_succeed()
    {
        var time = new ManualTimeProvider();
        var logs = new TestLoggerFactory();
        await using var api = await ApiServerFixture.StartAsync(new KubernetesClientOptions { TimeProvider = time, LoggerFactory = logs });
        var leases = api.Client.Resource<Lease>();
        await leases.CreateAsync(NewLease("a"));
        api.Server.Faults.TooManyRequests(2, TimeSpan.FromSeconds(2));

        var get = leases.GetAsync(new ObjectKey("default", "a"));
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            var expected = attempt;
            await Eventually.TrueAsync(() => logs.Entries.Count(e => e.Id.Name == "Throttled") == expected && time.PendingTimers == 1);
            Assert.False(get.IsCompleted);
            time.Advance(TimeSpan.FromSeconds(2));
        }

        var lease = await get.WaitAsync(Deadline);
        Assert.Equal("a", lease.Metadata.Name);
        Assert.Contains(logs.Entries, e => e.Id.Name == "Throttled" && e.Message.Contains("after 2 s", StringComparison.Ordinal));
    }

    /// <summary>Runs a list-watcher in the background and hands its updates to the test one at a time.</summary>
    private sealed class Updates : IAsyncDisposable
    {
        private readonly Channel<ListWatchUpdate<Lease>> _channel = Channel.CreateUnbounded<ListWatchUpdate<Lease>>();
        private readonly CancellationTokenSource _stop = new();
        private Task _run = Task.CompletedTask;

        public static Updates Start(ListWatcher<Lease> watcher)
        {
            var updates = new Updates();
            updates._run = Task.Run(async () =>
            {
                try
                {
                    await foreach (var update in watcher.RunAsync(updates._stop.Token))
                    {
                        await updates._channel.Writer.WriteAsync(update);
                    }
                }
                catch (OperationCanceledException) when (updates._stop.IsCancellationRequested)
                {
                }
                finally
                {
                    updates._channel.Writer.TryComplete();
                }
            });
            return updates;
        }

        public async Task<ListWatchUpdate<Lease>> NextAsync()
        {
            using var timeout = new CancellationTokenSource(Deadline);
            return await _channel.Reader.ReadAsync(timeout.Token);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _run.WaitAsync(Deadline);
            _stop.Dispose();
        }
    }
}
