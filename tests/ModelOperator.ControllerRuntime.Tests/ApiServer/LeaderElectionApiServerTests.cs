using ModelOperator.ControllerRuntime.LeaderElection;
using ModelOperator.ControllerRuntime.Tests.Support;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Testing;

namespace ModelOperator.ControllerRuntime.Tests.ApiServer;

/// <summary>Leader election on a real coordination.k8s.io/v1 Lease in the in-memory API server.</summary>
public sealed class LeaderElectionApiServerTests : IAsyncLifetime
{
    private static readonly ObjectKey LeaseKey = new("default", "modeloperator");
    private readonly ManualTimeProvider _clock = new();
    private ApiServerFixture _api = null!;

    public async Task InitializeAsync() => _api = await ApiServerFixture.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private int _inFlight;

    /// <summary>No lease call is waiting for the server: advancing the clock now cannot overtake one.</summary>
    private bool Idle() => Volatile.Read(ref _inFlight) == 0;

    private LeaderElector Elector(string identity, bool release = true) => new(
        new InFlightLock(new LeaseLock(_api.Client.Resource<Lease>(), LeaseKey.Namespace, LeaseKey.Name), this),
        _clock,
        options: new LeaderElectionOptions { Identity = identity, ReleaseOnCancel = release });

    private sealed class InFlightLock(ILeaseLock inner, LeaderElectionApiServerTests owner) : ILeaseLock
    {
        public string Description => inner.Description;

        public Task<LeaseLockState?> GetAsync(CancellationToken cancellationToken) => Track(() => inner.GetAsync(cancellationToken));

        public Task<LeaseLockState> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken) => Track(() => inner.CreateAsync(record, cancellationToken));

        public Task<LeaseLockState> UpdateAsync(LeaderElectionRecord record, string version, CancellationToken cancellationToken) => Track(() => inner.UpdateAsync(record, version, cancellationToken));

        private async Task<T> Track<T>(Func<Task<T>> call)
        {
            Interlocked.Increment(ref owner._inFlight);
            try
            {
                return await call();
            }
            finally
            {
                Interlocked.Decrement(ref owner._inFlight);
            }
        }
    }

    private Task<Lease> ReadLease() => _api.Client.Resource<Lease>().GetAsync(LeaseKey);

    private static Task<LeadershipEnd> Run(LeaderElector elector, TaskCompletionSource<CancellationToken> started, CancellationToken stop) =>
        elector.RunAsync(
            async token =>
            {
                started.TrySetResult(token);
                await Task.Delay(Timeout.InfiniteTimeSpan, token).ContinueWith(_ => { }, TaskScheduler.Default);
            },
            stop);

    [Fact]
    public async Task A_graceful_leader_releases_the_lease_and_the_follower_takes_it_on_its_next_try()
    {
        using var stopA = new CancellationTokenSource();
        using var stopB = new CancellationTokenSource();
        var a = Elector("pod-a");
        var b = Elector("pod-b");
        var aStarted = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        var bStarted = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);

        // Given a leader on an absent lease
        var runA = Run(a, aStarted, stopA.Token);
        var aToken = await aStarted.Task.Within();
        var lease = await ReadLease();
        Assert.Equal("pod-a", lease.Spec!.HolderIdentity);
        Assert.Equal(15, lease.Spec.LeaseDurationSeconds);
        Assert.Equal(_clock.GetUtcNow(), lease.Spec.AcquireTime);

        // And a follower that keeps trying while the leader renews
        var runB = Run(b, bStarted, stopB.Token);
        var renewedBefore = lease.Spec.RenewTime;
        await _clock.AdvanceUntil(() => ReadLease().Result.Spec!.RenewTime > renewedBefore, TimeSpan.FromSeconds(1), "the leader renews", Idle);
        Assert.False(b.IsLeader);

        // When the leader stops
        await stopA.CancelAsync();
        Assert.Equal(LeadershipEnd.Stopped, await runA.Within());
        Assert.True(aToken.IsCancellationRequested);
        Assert.Equal(string.Empty, (await ReadLease()).Spec!.HolderIdentity ?? string.Empty);

        // Then the follower takes over within one retry period, long before the lease would expire
        var releasedAt = _clock.GetUtcNow();
        await _clock.AdvanceUntil(() => b.IsLeader, TimeSpan.FromMilliseconds(500), "the follower leads", Idle);
        Assert.True(_clock.GetUtcNow() - releasedAt <= TimeSpan.FromSeconds(4)); // at most two retry periods, far below 15 s
        await bStarted.Task.Within();
        var taken = await ReadLease();
        Assert.Equal("pod-b", taken.Spec!.HolderIdentity);
        Assert.Equal(1, taken.Spec.LeaseTransitions);

        await stopB.CancelAsync();
        Assert.Equal(LeadershipEnd.Stopped, await runB.Within());
    }

    [Fact]
    public async Task A_leader_that_vanishes_is_replaced_once_the_lease_went_unrenewed_for_its_duration()
    {
        using var stopA = new CancellationTokenSource();
        using var stopB = new CancellationTokenSource();
        var a = Elector("pod-a", release: false);
        var b = Elector("pod-b");
        var aStarted = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        var bStarted = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        var runA = Run(a, aStarted, stopA.Token);
        await aStarted.Task.Within();
        var runB = Run(b, bStarted, stopB.Token);

        // When the leader stops without releasing (a crash, as far as the lease can tell)
        await stopA.CancelAsync();
        await runA.Within();
        var lastRenew = (await ReadLease()).Spec!.RenewTime!.Value;

        // Then the follower waits out the lease duration, then takes over
        await _clock.AdvanceUntil(() => b.IsLeader, TimeSpan.FromSeconds(1), "the follower leads", Idle);
        var taken = await ReadLease();
        Assert.Equal("pod-b", taken.Spec!.HolderIdentity);
        Assert.True(taken.Spec.AcquireTime >= lastRenew + TimeSpan.FromSeconds(15));

        await stopB.CancelAsync();
        await runB.Within();
    }
}
