using ModelOperator.ControllerRuntime.Informers;
using ModelOperator.ControllerRuntime.Tests.Support;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Testing;

namespace ModelOperator.ControllerRuntime.Tests.Informers;

public sealed class InformerTests : IAsyncDisposable
{
    private readonly ManualTimeProvider _clock = new();
    private readonly FakeListerWatcher<Lease> _api = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _running;

    private Informer<Lease> Start(InformerOptions? options = null, RecordingHandler<Lease>? handler = null, IReadOnlyDictionary<string, Func<Lease, IEnumerable<string>>>? indexers = null)
    {
        var informer = new Informer<Lease>(_api, _clock, options: options ?? new InformerOptions { PageSize = 2 }, indexers: indexers);
        if (handler is not null)
        {
            informer.AddEventHandler(handler);
        }

        _running = informer.RunAsync(_stop.Token);
        return informer;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
        {
            await _running.Within();
        }

        _stop.Dispose();
    }

    [Fact]
    public async Task Lists_in_pages_fills_the_cache_then_watches_from_the_list_version()
    {
        _api.Objects = [Objects.Lease("a", "x", "3"), Objects.Lease("a", "y", "4"), Objects.Lease("b", "x", "5")];
        _api.ListVersion = "7";
        var handler = new RecordingHandler<Lease>();

        var informer = Start(handler: handler);
        await informer.WaitForSyncAsync(CancellationToken.None).Within();

        Assert.Equal((2, (string?)null), await _api.ListCalls.Reader.ReadWithin());
        Assert.Equal((2, (string?)"2"), await _api.ListCalls.Reader.ReadWithin());
        Assert.Equal("7", await _api.WatchCalls.Reader.ReadWithin());
        Assert.Equal(["add a/x@3 initial", "add a/y@4 initial", "add b/x@5 initial"], await handler.Next(3));
        Assert.Equal(3, informer.Cache.Count);
        Assert.Equal(["y"], informer.Cache.List("a").Where(l => l.Metadata.ResourceVersion == "4").Select(l => l.Metadata.Name));
        Assert.Equal(["x", "y"], informer.Cache.List("a").Select(l => l.Metadata.Name));
        Assert.Equal("5", informer.Cache.Get(new ObjectKey("b", "x"))!.Metadata.ResourceVersion);
        Assert.Null(informer.Cache.Get(new ObjectKey("b", "nope")));
    }

    [Fact]
    public async Task Watch_events_update_the_cache_and_reach_handlers()
    {
        _api.Objects = [Objects.Lease("a", "x", "1")];
        var handler = new RecordingHandler<Lease>();
        var informer = Start(handler: handler);
        await _api.WatchCalls.Reader.ReadWithin();
        await handler.Next(1);

        _api.Send(WatchEventType.Added, Objects.Lease("a", "y", "2"));
        _api.Send(WatchEventType.Modified, Objects.Lease("a", "x", "3", holder: "me"));
        _api.Send(WatchEventType.Deleted, Objects.Lease("a", "y", "4"));

        Assert.Equal(["add a/y@2", "update a/x@1 -> 3", "delete a/y@4"], await handler.Next(3));
        Assert.Equal("me", informer.Cache.Get(new ObjectKey("a", "x"))!.Spec!.HolderIdentity);
        Assert.Null(informer.Cache.Get(new ObjectKey("a", "y")));
        Assert.Equal("4", informer.LastResourceVersion);
    }

    [Fact]
    public async Task A_deletion_of_an_unknown_object_is_not_reported()
    {
        var handler = new RecordingHandler<Lease>();
        var informer = Start(handler: handler);
        await _api.WatchCalls.Reader.ReadWithin();

        _api.Send(WatchEventType.Deleted, Objects.Lease("a", "ghost", "2"));
        _api.Send(WatchEventType.Added, Objects.Lease("a", "real", "3"));

        Assert.Equal(["add a/real@3"], await handler.Next(1));
    }

    [Fact]
    public async Task An_ended_watch_resumes_from_the_last_version_including_bookmarks()
    {
        var handler = new RecordingHandler<Lease>();
        var informer = Start(handler: handler);
        Assert.Equal("1", await _api.WatchCalls.Reader.ReadWithin());

        _api.Send(WatchEventType.Added, Objects.Lease("a", "x", "5"));
        _api.Send(WatchEventType.Bookmark, new Lease { Metadata = new ObjectMeta { ResourceVersion = "9" } });
        await handler.Next(1);
        await Wait.Until(() => informer.LastResourceVersion == "9", "the bookmark moved the version");
        _api.EndWatch();

        Assert.Equal("9", await _api.WatchCalls.Reader.ReadWithin());
        Assert.Equal(1, informer.Cache.Count); // no relist, no event
        Assert.False(_api.ListCalls.Reader.TryRead(out _) && _api.ListCalls.Reader.TryRead(out _));
    }

    [Fact]
    public async Task A_gone_version_relists_and_reports_what_changed_in_the_gap()
    {
        _api.Objects = [Objects.Lease("a", "stays", "1"), Objects.Lease("a", "changes", "1"), Objects.Lease("a", "vanishes", "1")];
        var handler = new RecordingHandler<Lease>();
        var informer = Start(handler: handler);
        await _api.WatchCalls.Reader.ReadWithin();
        await handler.Next(3);

        _api.Objects = [Objects.Lease("a", "stays", "1"), Objects.Lease("a", "changes", "8"), Objects.Lease("a", "new", "9")];
        _api.ListVersion = "10";
        _api.SendError(410, StatusReasons.Expired);

        Assert.Equal("10", await _api.WatchCalls.Reader.ReadWithin());
        var events = await handler.Next(3);
        Assert.Equal(["add a/new@9", "delete a/vanishes@1 unknown", "update a/changes@1 -> 8"], events.Order(StringComparer.Ordinal));
        Assert.True(handler.IsQuiet);
        Assert.Equal(["changes", "new", "stays"], informer.Cache.List().Select(l => l.Metadata.Name));
    }

    [Fact]
    public async Task A_failed_list_is_retried_after_a_growing_backoff_on_the_clock()
    {
        _api.ListFailures.Enqueue(new HttpRequestException("refused"));
        _api.ListFailures.Enqueue(new HttpRequestException("refused again"));
        _api.Objects = [Objects.Lease("a", "x", "1")];
        var informer = Start(new InformerOptions { InitialBackoff = TimeSpan.FromSeconds(1), MaxBackoff = TimeSpan.FromSeconds(30) });

        await _api.ListCalls.Reader.ReadWithin();
        await Wait.Until(() => _clock.PendingTimers == 1, "the informer backs off");
        _clock.Advance(TimeSpan.FromSeconds(1));
        await _api.ListCalls.Reader.ReadWithin();
        await Wait.Until(() => _clock.PendingTimers == 1, "the informer backs off again");

        _clock.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(informer.HasSynced);
        Assert.False(_api.ListCalls.Reader.TryRead(out _));

        _clock.Advance(TimeSpan.FromSeconds(0.1));
        await informer.WaitForSyncAsync(CancellationToken.None).Within();
        Assert.Equal(1, informer.Cache.Count);
    }

    [Fact]
    public async Task A_watch_error_other_than_gone_backs_off_and_resumes_without_relisting()
    {
        var informer = Start(new InformerOptions { InitialBackoff = TimeSpan.FromSeconds(1) });
        await _api.WatchCalls.Reader.ReadWithin();
        _api.Send(WatchEventType.Added, Objects.Lease("a", "x", "4"));

        _api.SendError(500, StatusReasons.InternalError);
        await Wait.Until(() => _clock.PendingTimers == 1, "the informer backs off");
        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("4", await _api.WatchCalls.Reader.ReadWithin());
        await _api.ListCalls.Reader.ReadWithin(); // the first list
        Assert.False(_api.ListCalls.Reader.TryRead(out _));
        Assert.Equal(1, informer.Cache.Count);
    }

    [Fact]
    public async Task A_failing_handler_does_not_stop_the_others()
    {
        _api.Objects = [Objects.Lease("a", "x", "1")];
        var handler = new RecordingHandler<Lease>();
        var informer = new Informer<Lease>(_api, _clock);
        informer.AddEventHandler(new ResourceEventHandler<Lease> { Added = (_, _) => throw new InvalidOperationException("boom") });
        informer.AddEventHandler(handler);
        _running = informer.RunAsync(_stop.Token);

        Assert.Equal(["add a/x@1 initial"], await handler.Next(1));
    }

    [Fact]
    public async Task A_handler_added_after_sync_hears_about_every_cached_object_and_can_unsubscribe()
    {
        _api.Objects = [Objects.Lease("a", "x", "1"), Objects.Lease("a", "y", "1")];
        var informer = Start();
        await informer.WaitForSyncAsync(CancellationToken.None).Within();
        await _api.WatchCalls.Reader.ReadWithin();

        var late = new RecordingHandler<Lease>();
        var registration = informer.AddEventHandler(late);
        Assert.Equal(["add a/x@1 initial", "add a/y@1 initial"], await late.Next(2));

        registration.Dispose();
        var other = new RecordingHandler<Lease>();
        informer.AddEventHandler(other);
        await other.Next(2);
        _api.Send(WatchEventType.Added, Objects.Lease("a", "z", "2"));
        await other.Next(1);
        Assert.True(late.IsQuiet);
    }

    [Fact]
    public async Task Resync_replays_every_object_as_an_update_each_period()
    {
        _api.Objects = [Objects.Lease("a", "x", "1")];
        var handler = new RecordingHandler<Lease>();
        Start(new InformerOptions { ResyncPeriod = TimeSpan.FromMinutes(10) }, handler);
        await handler.Next(1);
        await _api.WatchCalls.Reader.ReadWithin();

        _clock.Advance(TimeSpan.FromMinutes(9));
        Assert.True(handler.IsQuiet);
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(["update a/x@1 -> 1"], await handler.Next(1));
        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(["update a/x@1 -> 1"], await handler.Next(1));
    }

    [Fact]
    public async Task Custom_indexes_follow_changes()
    {
        var owner = Objects.ControllerRef("Model", "m1", "uid-m1");
        _api.Objects = [Objects.Lease("a", "x", "1", owner: owner), Objects.Lease("a", "y", "1")];
        var informer = Start(indexers: new Dictionary<string, Func<Lease, IEnumerable<string>>> { [Indexers.ControllerUidIndex] = Indexers.ControllerUid });
        await informer.WaitForSyncAsync(CancellationToken.None).Within();
        await _api.WatchCalls.Reader.ReadWithin();

        Assert.Equal(["x"], informer.Cache.ByIndex(Indexers.ControllerUidIndex, "uid-m1").Select(l => l.Metadata.Name));

        _api.Send(WatchEventType.Modified, Objects.Lease("a", "y", "2", owner: owner));
        _api.Send(WatchEventType.Modified, Objects.Lease("a", "x", "3"));
        await Wait.Until(() => informer.LastResourceVersion == "3", "both changes are applied");

        Assert.Equal(["y"], informer.Cache.ByIndex(Indexers.ControllerUidIndex, "uid-m1").Select(l => l.Metadata.Name));
        var error = Assert.Throws<ArgumentException>(() => informer.Cache.ByIndex("by-color", "red"));
        Assert.Contains("controller-uid, namespace", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_options_are_rejected_with_the_setting_named()
    {
        var error = Assert.Throws<ArgumentException>(() => new Informer<Lease>(_api, _clock, options: new InformerOptions { PageSize = 0 }));
        Assert.Contains("PageSize is 0", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new Informer<Lease>(_api, _clock, options: new InformerOptions { ResyncPeriod = TimeSpan.Zero }));
        Assert.Throws<ArgumentException>(() => new Informer<Lease>(_api, _clock, options: new InformerOptions { MaxBackoff = TimeSpan.FromMilliseconds(1) }));
    }
}
