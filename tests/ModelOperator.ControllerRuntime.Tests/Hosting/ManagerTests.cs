using System.Collections.Concurrent;
using ModelOperator.ControllerRuntime.Controllers;
using ModelOperator.ControllerRuntime.Hosting;
using ModelOperator.ControllerRuntime.Informers;
using ModelOperator.ControllerRuntime.LeaderElection;
using ModelOperator.ControllerRuntime.Tests.Support;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Testing;

namespace ModelOperator.ControllerRuntime.Tests.Hosting;

public sealed class ManagerTests
{
    private readonly ManualTimeProvider _clock = new();

    private sealed class Replica
    {
        public required Manager Manager { get; init; }

        public required ScriptedReconciler Reconciler { get; init; }

        public required FakeListerWatcher<Lease> Api { get; init; }

        public required Informer<Lease> Informer { get; init; }
    }

    private Replica Build(LeaderElector? elector, IReadOnlyList<Lease> objects, ConcurrentQueue<ObjectKey>? seenWhileReconciling = null)
    {
        var api = new FakeListerWatcher<Lease> { Objects = objects };
        var informer = new Informer<Lease>(api, _clock);
        ScriptedReconciler? reconciler = null;
        reconciler = new ScriptedReconciler((key, _, _) =>
        {
            // A reconciler reads the cache, never the API: the manager must have synced first.
            seenWhileReconciling?.Enqueue(informer.Cache.Get(key) is null ? default : key);
            return Task.FromResult(ReconcileResult.Done);
        });
        var controller = new Controller("leases", reconciler, _clock);
        informer.AddEventHandler(EnqueueHandlers.ForObject<Lease>(controller.Queue));
        var manager = new Manager(elector).AddInformer(informer).AddController(controller);
        return new Replica { Manager = manager, Reconciler = reconciler, Api = api, Informer = informer };
    }

    [Fact]
    public async Task Without_leader_election_controllers_start_after_the_caches_sync_and_reconcile_every_object()
    {
        var seen = new ConcurrentQueue<ObjectKey>();
        var replica = Build(null, [Objects.Lease("ns", "a", "1"), Objects.Lease("ns", "b", "1")], seen);

        await replica.Manager.StartAsync(CancellationToken.None);
        await replica.Manager.Synced.Within();
        var keys = new[] { (await replica.Reconciler.Calls.Reader.ReadWithin()).Key, (await replica.Reconciler.Calls.Reader.ReadWithin()).Key };

        Assert.Equal([new ObjectKey("ns", "a"), new ObjectKey("ns", "b")], keys.OrderBy(k => k.Name, StringComparer.Ordinal).ToArray());
        Assert.DoesNotContain(default, seen);
        Assert.True(replica.Manager.ControllersRunning);

        replica.Api.Send(WatchEventType.Modified, Objects.Lease("ns", "a", "2"));
        Assert.Equal(new ObjectKey("ns", "a"), (await replica.Reconciler.Calls.Reader.ReadWithin()).Key);

        await replica.Manager.StopAsync(CancellationToken.None).Within();
        Assert.False(replica.Manager.ControllersRunning);
        replica.Manager.Dispose();
    }

    [Fact]
    public async Task Only_the_leader_reconciles_and_a_follower_takes_over_with_a_warm_cache()
    {
        var store = new LeaseStore();
        var objects = new[] { Objects.Lease("ns", "a", "1") };
        var first = Build(new LeaderElector(new FakeLeaseLock(store), _clock, options: new LeaderElectionOptions { Identity = "first" }), objects);
        var second = Build(new LeaderElector(new FakeLeaseLock(store), _clock, options: new LeaderElectionOptions { Identity = "second" }), objects);

        // Given two replicas, the first of which leads
        await first.Manager.StartAsync(CancellationToken.None);
        await first.Reconciler.Calls.Reader.ReadWithin();
        await second.Manager.StartAsync(CancellationToken.None);
        await second.Manager.Synced.Within();
        await _clock.AdvanceUntil(() => store.Writes >= 3, TimeSpan.FromSeconds(1), "the leader renews a few times");

        // Then the follower's cache is warm but it reconciles nothing
        Assert.Equal(1, second.Informer.Cache.Count);
        Assert.Equal(0, second.Reconciler.CallCount);
        Assert.False(second.Manager.ControllersRunning);

        // When the leader shuts down (releasing the lease)
        await first.Manager.StopAsync(CancellationToken.None).Within();
        Assert.False(first.Manager.ControllersRunning);

        // Then the follower leads and reconciles the keys it queued meanwhile
        await _clock.AdvanceUntil(() => second.Reconciler.CallCount > 0, TimeSpan.FromSeconds(1), "the follower reconciles");
        Assert.Equal(new ObjectKey("ns", "a"), (await second.Reconciler.Calls.Reader.ReadWithin()).Key);
        Assert.Equal("second", store.Current!.Record.HolderIdentity);

        await second.Manager.StopAsync(CancellationToken.None).Within();
        first.Manager.Dispose();
        second.Manager.Dispose();
    }

    [Fact]
    public async Task Adding_after_start_is_refused()
    {
        var replica = Build(null, []);
        await replica.Manager.StartAsync(CancellationToken.None);

        var error = Assert.Throws<InvalidOperationException>(() => replica.Manager.AddInformer(replica.Informer));
        Assert.Contains("before the manager starts", error.Message, StringComparison.Ordinal);

        await replica.Manager.StopAsync(CancellationToken.None).Within();
        replica.Manager.Dispose();
    }
}
