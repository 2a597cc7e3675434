using ModelOperator.ControllerRuntime.Informers;
using ModelOperator.ControllerRuntime.Tests.Support;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Kubernetes.Watching;
using ModelOperator.Testing;

namespace ModelOperator.ControllerRuntime.Tests.ApiServer;

/// <summary>One informer over a list of namespaces, one source each, against the in-memory API server.</summary>
public sealed class NamespacedInformerApiServerTests : IAsyncLifetime
{
    private readonly CancellationTokenSource _stop = new();
    private ApiServerFixture _api = null!;

    public async Task InitializeAsync()
    {
        _api = await ApiServerFixture.StartAsync();
        foreach (var name in new[] { "team-a", "team-b", "team-c" })
        {
            await _api.Client.Resource<Namespace>().CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = name } });
        }
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _api.DisposeAsync();
        _stop.Dispose();
    }

    private IResourceClient<Lease> Leases => _api.Client.Resource<Lease>();

    private Task<Lease> Create(string ns, string name) =>
        Leases.CreateAsync(new Lease { Metadata = new ObjectMeta { Namespace = ns, Name = name }, Spec = new LeaseSpec { HolderIdentity = "x" } });

    [Fact]
    public async Task Objects_of_the_listed_namespaces_are_cached_and_followed_and_others_never_are()
    {
        // Given leases in three namespaces
        await Create("team-a", "a1");
        await Create("team-b", "b1");
        await Create("team-c", "c1");

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
        var running = informer.RunAsync(_stop.Token);
        await informer.WaitForSyncAsync(CancellationToken.None).Within();

        // Then it synced once both were listed, with theirs only
        Assert.Equal(["team-a/a1", "team-b/b1"], informer.Cache.List().Select(l => $"{l.Metadata.Namespace}/{l.Metadata.Name}").Order());
        Assert.Equal(2, (await handler.Next(2)).Count(e => e.EndsWith("initial", StringComparison.Ordinal)));

        // And later writes in either arrive, and writes elsewhere do not
        await Create("team-c", "c2");
        var b2 = await Create("team-b", "b2");
        Assert.Equal([$"add team-b/b2@{b2.Metadata.ResourceVersion}"], await handler.Next(1));
        Assert.Null(informer.Cache.Get(new ObjectKey("team-c", "c2")));
        await Leases.DeleteAsync(new ObjectKey("team-a", "a1"));
        Assert.StartsWith("delete team-a/a1", Assert.Single(await handler.Next(1)), StringComparison.Ordinal);
        Assert.Equal(["team-b/b1", "team-b/b2"], informer.Cache.List().Select(l => $"{l.Metadata.Namespace}/{l.Metadata.Name}").Order());

        await _stop.CancelAsync();
        await running.Within();
    }
}
