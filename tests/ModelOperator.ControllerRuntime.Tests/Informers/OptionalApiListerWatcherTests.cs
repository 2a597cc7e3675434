using ModelOperator.ControllerRuntime.Informers;
using ModelOperator.ControllerRuntime.Tests.Support;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Kubernetes.Watching;
using ModelOperator.Testing;

namespace ModelOperator.ControllerRuntime.Tests.Informers;

public sealed class OptionalApiListerWatcherTests
{
    [Fact]
    public async Task A_missing_api_syncs_as_empty_and_its_objects_appear_once_it_is_installed()
    {
        // Given a kind whose API answers 404 (its CRD is not installed)
        var api = new FakeListerWatcher<Lease>();
        api.ListFailures.Enqueue(new KubernetesNotFoundException(new Status { Code = 404, Reason = "NotFound" }, "the server could not find the requested resource"));
        var clock = new ManualTimeProvider();
        var optional = new OptionalApiListerWatcher<Lease>(api, "Lease", TimeSpan.FromMinutes(1), clock);
        var informer = new Informer<Lease>(optional, clock);
        using var stop = new CancellationTokenSource();
        var running = informer.RunAsync(stop.Token);

        // Then the informer syncs, empty, instead of retrying forever
        await informer.WaitForSyncAsync(CancellationToken.None).Within();
        Assert.Empty(informer.Cache.List());
        Assert.True(optional.ApiMissing);

        // When the CRD is installed and a recheck period passes, Then its objects are listed
        api.Objects = [new Lease { Metadata = new ObjectMeta { Namespace = "default", Name = "route-owner" } }];
        for (var i = 0; i < 100 && informer.Cache.List().Count == 0; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(20);
        }

        Assert.Equal(["route-owner"], informer.Cache.List().Select(l => l.Metadata.Name));
        Assert.False(optional.ApiMissing);
        await stop.CancelAsync();
        await running.Within();
    }

    [Fact]
    public async Task A_watch_answered_404_makes_the_informer_list_again_and_find_the_api_gone()
    {
        var inner = new ThrowingWatch();
        var optional = new OptionalApiListerWatcher<Lease>(inner, "Lease", TimeSpan.FromMinutes(1), new ManualTimeProvider());

        var events = new List<WatchEvent<Lease>>();
        await foreach (var e in optional.WatchAsync("5", 300, CancellationToken.None))
        {
            events.Add(e);
        }

        Assert.Equal(410, Assert.Single(events).Status!.Code); // an expired version: the informer relists
    }

    private sealed class ThrowingWatch : IListerWatcher<Lease>
    {
        public Task<ObjectList<Lease>> ListAsync(int limit, string? continueToken, CancellationToken cancellationToken) =>
            Task.FromResult(new ObjectList<Lease> { Metadata = new ListMeta { ResourceVersion = "5" } });

        public async IAsyncEnumerable<WatchEvent<Lease>> WatchAsync(string resourceVersion, int timeoutSeconds, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.Yield();
            throw new KubernetesNotFoundException(new Status { Code = 404 }, "the server could not find the requested resource");
#pragma warning disable CS0162 // an iterator needs a yield to be one
            yield break;
#pragma warning restore CS0162
        }
    }
}
