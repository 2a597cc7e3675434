using ModelOperator.ControllerRuntime.Informers;
using ModelOperator.ControllerRuntime.Tests.Support;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Kubernetes.Watching;
using ModelOperator.Testing;

namespace ModelOperator.ControllerRuntime.Tests.Informers;

/// <summary>
/// The one list-watch engine (<see cref="ListWatcher{T}"/>) as the informers run it, on a manual clock: the server-side
/// watch timeout it asks for, idle detection, and relisting after 410 without watching the expired version again.
/// </summary>
public sealed class ListWatcherEngineTests : IAsyncDisposable
{
    private readonly ManualTimeProvider _clock = new();
    private readonly FakeListerWatcher<Lease> _api = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _running;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
        {
            await _running.Within();
        }

        _stop.Dispose();
    }

    private Informer<Lease> Start(InformerOptions options)
    {
        var informer = new Informer<Lease>(_api, _clock, options: options);
        _running = informer.RunAsync(_stop.Token);
        return informer;
    }

    [Fact]
    public async Task Every_watch_asks_for_a_random_server_timeout_between_the_minimum_and_twice_it()
    {
        Start(new InformerOptions());

        for (var i = 0; i < 12; i++)
        {
            await _api.WatchCalls.Reader.ReadWithin();
            _api.EndWatch();
        }

        var timeouts = _api.WatchTimeouts.ToArray();
        Assert.All(timeouts, t => Assert.InRange(t, 300, 599));
        Assert.True(timeouts.Distinct().Count() > 1, $"12 watches all asked for {timeouts[0]} s");
    }

    [Fact]
    public async Task Timeouts_follow_the_configured_minimum()
    {
        Start(new InformerOptions { MinWatchTimeout = TimeSpan.FromSeconds(10) });

        for (var i = 0; i < 5; i++)
        {
            await _api.WatchCalls.Reader.ReadWithin();
            _api.EndWatch();
        }

        Assert.All(_api.WatchTimeouts, t => Assert.InRange(t, 10, 19));
    }

    [Fact]
    public async Task A_silent_watch_is_abandoned_after_the_idle_timeout_and_resumed_from_the_last_version()
    {
        var informer = Start(new InformerOptions { WatchIdleTimeout = TimeSpan.FromSeconds(60) });
        Assert.Equal("1", await _api.WatchCalls.Reader.ReadWithin());

        // Given events that keep re-arming the idle timer
        _api.Send(WatchEventType.Added, Objects.Lease("a", "x", "5"));
        await Wait.Until(() => informer.Cache.Count == 1, "the event is applied");
        _clock.Advance(TimeSpan.FromSeconds(59));
        _api.Send(WatchEventType.Bookmark, new Lease { Metadata = new ObjectMeta { ResourceVersion = "8" } });
        await Wait.Until(() => informer.LastResourceVersion == "8", "the bookmark moved the version");
        _clock.Advance(TimeSpan.FromSeconds(59));
        Assert.False(_api.WatchCalls.Reader.TryRead(out _));

        // When the stream stays silent for the whole idle timeout
        _clock.Advance(TimeSpan.FromSeconds(1));

        // Then the watch is dropped and resumed from the bookmark's version, without a relist
        Assert.Equal("8", await _api.WatchCalls.Reader.ReadWithin());
        await _api.ListCalls.Reader.ReadWithin(); // the first list
        Assert.False(_api.ListCalls.Reader.TryRead(out _));
        Assert.Equal(1, informer.Cache.Count);
    }

    [Fact]
    public async Task Without_an_idle_timeout_a_silent_watch_is_left_to_the_server()
    {
        Start(new InformerOptions());
        await _api.WatchCalls.Reader.ReadWithin();

        _clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal(0, _clock.PendingTimers);
        Assert.False(_api.WatchCalls.Reader.TryRead(out _));
    }

    [Fact]
    public async Task After_410_it_relists_and_never_watches_the_expired_version_again()
    {
        _api.ListVersion = "3";
        var informer = Start(new InformerOptions { InitialBackoff = TimeSpan.FromSeconds(1) });
        Assert.Equal("3", await _api.WatchCalls.Reader.ReadWithin());

        // The relist hands back the same (expired) version: the engine waits a backoff before watching from it
        _api.SendError(410, StatusReasons.Expired);
        await _api.ListCalls.Reader.ReadWithin();
        await _api.ListCalls.Reader.ReadWithin();
        await Wait.Until(() => _clock.PendingTimers == 1, "the engine backs off instead of re-watching the expired version");
        Assert.False(_api.WatchCalls.Reader.TryRead(out _));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("3", await _api.WatchCalls.Reader.ReadWithin());

        // A relist with a fresh version watches from it at once
        _api.ListVersion = "9";
        _api.SendError(410, StatusReasons.Expired);
        Assert.Equal("9", await _api.WatchCalls.Reader.ReadWithin());
        Assert.Equal("9", informer.LastResourceVersion);
    }
}
