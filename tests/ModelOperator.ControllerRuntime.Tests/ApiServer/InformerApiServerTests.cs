using System.Runtime.CompilerServices;
using ModelOperator.ControllerRuntime.Informers;
using ModelOperator.ControllerRuntime.Tests.Support;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Kubernetes.Watching;
using ModelOperator.Testing;

namespace ModelOperator.ControllerRuntime.Tests.ApiServer;

/// <summary>The informer against the in-memory API server through the real HTTP client.</summary>
public sealed class InformerApiServerTests : IAsyncLifetime
{
    private readonly CancellationTokenSource _stop = new();
    private ApiServerFixture _api = null!;
    private Task? _running;

    public async Task InitializeAsync() => _api = await ApiServerFixture.StartAsync();

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
        {
            await _running.Within();
        }

        await _api.DisposeAsync();
        _stop.Dispose();
    }

    private IResourceClient<Lease> Leases => _api.Client.Resource<Lease>();

    private Task<Lease> Create(string name, string holder = "x") => CreateIn("default", name, holder);

    private Task<Lease> CreateIn(string ns, string name, string holder = "x") =>
        Leases.CreateAsync(new Lease { Metadata = new ObjectMeta { Namespace = ns, Name = name }, Spec = new LeaseSpec { HolderIdentity = holder } });

    private (Informer<Lease> Informer, RecordingHandler<Lease> Handler) Start(IListerWatcher<Lease> source)
    {
        var informer = new Informer<Lease>(source, new ManualTimeProvider(), options: new InformerOptions { PageSize = 2 });
        var handler = new RecordingHandler<Lease>();
        informer.AddEventHandler(handler);
        _running = informer.RunAsync(_stop.Token);
        return (informer, handler);
    }

    [Fact]
    public async Task Syncs_in_pages_then_follows_adds_updates_and_deletes()
    {
        // Given three leases (two list pages)
        foreach (var name in new[] { "a", "b", "c" })
        {
            await Create(name);
        }

        // When the informer starts
        var (informer, handler) = Start(new ResourceListerWatcher<Lease>(Leases, "default"));
        await informer.WaitForSyncAsync(CancellationToken.None).Within();

        // Then the cache holds them and handlers heard of each
        Assert.Equal(["a", "b", "c"], informer.Cache.List("default").Select(l => l.Metadata.Name));
        Assert.All(await handler.Next(3), e => Assert.EndsWith("initial", e, StringComparison.Ordinal));

        // And later writes arrive through the watch
        var d = await Create("d");
        var b = await Leases.GetAsync(new ObjectKey("default", "b"));
        var b2 = await Leases.UpdateAsync(b with { Spec = new LeaseSpec { HolderIdentity = "y" } });
        await Leases.DeleteAsync(new ObjectKey("default", "a"));

        Assert.Equal(
            [$"add default/d@{d.Metadata.ResourceVersion}", $"update default/b@{b.Metadata.ResourceVersion} -> {b2.Metadata.ResourceVersion}", "delete default/a@"],
            (await handler.Next(3)).Select(e => e.StartsWith("delete", StringComparison.Ordinal) ? e[..e.IndexOf('@', StringComparison.Ordinal)] + "@" : e));
        Assert.Equal(["b", "c", "d"], informer.Cache.List().Select(l => l.Metadata.Name));
        Assert.Equal("y", informer.Cache.Get(new ObjectKey("default", "b"))!.Spec!.HolderIdentity);
    }

    [Fact]
    public async Task Recovers_when_the_server_ends_the_watch_without_relisting()
    {
        await Create("a");
        var gated = new GatedListerWatcher(new ResourceListerWatcher<Lease>(Leases, "default"));
        var (informer, handler) = Start(gated);
        await handler.Next(1);
        await Wait.Until(() => _api.Server.OpenWatches == 1, "the watch is open");

        Assert.Equal(1, _api.Server.Faults.EndAllWatches());
        await Wait.Until(() => gated.Watches == 2, "the informer watches again");
        await Create("b");

        Assert.StartsWith("add default/b@", (await handler.Next(1))[0], StringComparison.Ordinal);
        Assert.Equal(1, gated.Lists);
        Assert.Equal(2, informer.Cache.Count);
    }

    [Fact]
    public async Task Relists_after_410_and_reports_deletions_missed_in_the_gap()
    {
        // Given a synced informer whose next watch is held back
        await Create("stays");
        await Create("goes");
        await Create("changes");
        var gated = new GatedListerWatcher(new ResourceListerWatcher<Lease>(Leases, "default"));
        var (informer, handler) = Start(gated);
        await handler.Next(3);
        await Wait.Until(() => _api.Server.OpenWatches == 1, "the watch is open");
        gated.HoldNextWatch();
        _api.Server.Faults.EndAllWatches();
        await gated.Held.Within();

        // When objects change while it is not watching and the server forgets that history
        await Leases.DeleteAsync(new ObjectKey("default", "goes"));
        var changes = await Leases.GetAsync(new ObjectKey("default", "changes"));
        await Leases.UpdateAsync(changes with { Spec = new LeaseSpec { HolderIdentity = "new" } });
        await Create("arrives");
        _api.Server.CompactHistory();
        gated.Release();

        // Then the watch gets 410, the informer relists and reports the difference
        var events = (await handler.Next(3)).Select(e => e[..e.IndexOf('@', StringComparison.Ordinal)]).Order(StringComparer.Ordinal);
        Assert.Equal(["add default/arrives", "delete default/goes", "update default/changes"], events);
        await Wait.Until(() => gated.Lists == 2, "it listed again");
        Assert.Equal(["arrives", "changes", "stays"], informer.Cache.List().Select(l => l.Metadata.Name));
        Assert.Equal("new", informer.Cache.Get(new ObjectKey("default", "changes"))!.Spec!.HolderIdentity);
    }

    /// <summary>Counts calls, and can hold the next watch until the test releases it.</summary>
    private sealed class GatedListerWatcher(IListerWatcher<Lease> inner) : IListerWatcher<Lease>
    {
        private TaskCompletionSource? _gate;
        private TaskCompletionSource? _release;
        private TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _lists;
        private int _watches;

        public int Lists => Volatile.Read(ref _lists);

        public int Watches => Volatile.Read(ref _watches);

        public Task Held => _held.Task;

        public void HoldNextWatch()
        {
            _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _gate = _release;
        }

        public void Release() => _release?.TrySetResult();

        public Task<ObjectList<Lease>> ListAsync(int limit, string? continueToken, CancellationToken cancellationToken)
        {
            if (continueToken is null)
            {
                Interlocked.Increment(ref _lists);
            }

            return inner.ListAsync(limit, continueToken, cancellationToken);
        }

        public async IAsyncEnumerable<WatchEvent<Lease>> WatchAsync(string resourceVersion, int timeoutSeconds, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _watches);
            if (Interlocked.Exchange(ref _gate, null) is { } gate)
            {
                _held.TrySetResult();
                await gate.Task.WaitAsync(cancellationToken);
            }

            await foreach (var e in inner.WatchAsync(resourceVersion, timeoutSeconds, cancellationToken))
            {
                yield return e;
            }
        }
    }

    [Fact]
    public async Task Objects_of_the_listed_namespaces_are_cached_and_followed_and_others_never_are()
    {
        // Given leases in three namespaces
        foreach (var name in new[] { "team-a", "team-b", "team-c" })
        {
            await _api.Client.Resource<Namespace>().CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = name } });
        }

        await CreateIn("team-a", "a1");
        await CreateIn("team-b", "b1");
        await CreateIn("team-c", "c1");

        // When an informer watches team-a and team-b, each with its own source
        var informer = new Informer<Lease>(
            new Dictionary<string, IListerWatcher<Lease>>
            {
                ["team-a"] = new ResourceListerWatcher<Lease>(Leases, "team-a"),
                ["team-b"] = new ResourceListerWatcher<Lease>(Leases, "team-b"),
            },
            new ManualTimeProvider());
        var handler = new RecordingHandler<Lease>();
        informer.AddEventHandler(handler);
        _running = informer.RunAsync(_stop.Token);
        await informer.WaitForSyncAsync(CancellationToken.None).Within();

        // Then it synced once both were listed, with theirs only
        Assert.Equal(["team-a/a1", "team-b/b1"], informer.Cache.List().Select(l => $"{l.Metadata.Namespace}/{l.Metadata.Name}").Order());
        Assert.Equal(2, (await handler.Next(2)).Count(e => e.EndsWith("initial", StringComparison.Ordinal)));

        // And later writes in either arrive, and writes elsewhere do not
        await CreateIn("team-c", "c2");
        var b2 = await CreateIn("team-b", "b2");
        Assert.Equal([$"add team-b/b2@{b2.Metadata.ResourceVersion}"], await handler.Next(1));
        Assert.Null(informer.Cache.Get(new ObjectKey("team-c", "c2")));
        await Leases.DeleteAsync(new ObjectKey("team-a", "a1"));
        Assert.StartsWith("delete team-a/a1", Assert.Single(await handler.Next(1)), StringComparison.Ordinal);
        Assert.Equal(["team-b/b1", "team-b/b2"], informer.Cache.List().Select(l => $"{l.Metadata.Namespace}/{l.Metadata.Name}").Order());
    }
}
