using ModelOperator.ControllerRuntime.LeaderElection;
using ModelOperator.ControllerRuntime.Tests.Support;
using ModelOperator.Testing;

namespace ModelOperator.ControllerRuntime.Tests.LeaderElection;

public sealed class LeaderElectorTests : IDisposable
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private readonly ManualTimeProvider _clock = new();
    private readonly LeaseStore _store = new();
    private readonly CancellationTokenSource _stop = new();

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private sealed class Candidate
    {
        public required LeaderElector Elector { get; init; }

        public required FakeLeaseLock Lock { get; init; }

        public required Task<LeadershipEnd> Run { get; init; }

        public TaskCompletionSource<CancellationToken> Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<DateTimeOffset> WorkCancelledAt { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private Candidate Start(string identity, CancellationToken stop, LeaderElectionOptions? options = null)
    {
        var fakeLock = new FakeLeaseLock(_store);
        var elector = new LeaderElector(fakeLock, _clock, options: (options ?? new LeaderElectionOptions()) with { Identity = identity });
        Candidate? candidate = null;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = elector.RunAsync(
            async token =>
            {
                await started.Task;
                candidate!.Started.TrySetResult(token);
                var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using var registration = token.Register(() =>
                {
                    candidate.WorkCancelledAt.TrySetResult(_clock.GetUtcNow());
                    cancelled.TrySetResult();
                });
                await cancelled.Task;
            },
            stop);
        candidate = new Candidate { Elector = elector, Lock = fakeLock, Run = run };
        started.SetResult();
        return candidate;
    }

    /// <summary>Moves the clock a second at a time, letting every candidate finish its step.</summary>
    private async Task Tick(int seconds, params Candidate[] candidates)
    {
        for (var i = 0; i < seconds; i++)
        {
            await _clock.AdvanceInline(Second);
            foreach (var c in candidates)
            {
                await Wait.Until(() => c.Run.IsCompleted || _clock.PendingTimers > 0, "the candidates wait again");
            }
        }
    }

    [Fact]
    public async Task A_candidate_takes_an_absent_lease_and_renews_it_every_retry_period()
    {
        var t0 = _clock.GetUtcNow();
        var a = Start("a", _stop.Token);

        var token = await a.Started.Task.Within();
        Assert.True(a.Elector.IsLeader);
        Assert.False(token.IsCancellationRequested);
        Assert.Equal(new LeaderElectionRecord("a", TimeSpan.FromSeconds(15), t0, t0, 0), _store.Current!.Record);

        await Tick(2, a);
        await Wait.Until(() => _store.Current!.Record.RenewTime == t0 + TimeSpan.FromSeconds(2), "the leader renews");
        Assert.Equal(t0, _store.Current!.Record.AcquireTime);
        Assert.Equal("a", _store.Current.Record.HolderIdentity);

        await Tick(2, a);
        await Wait.Until(() => _store.Current!.Record.RenewTime == t0 + TimeSpan.FromSeconds(4), "the leader renews again");
        Assert.False(token.IsCancellationRequested);
    }

    [Fact]
    public async Task A_second_candidate_waits_while_the_leader_renews()
    {
        var a = Start("a", _stop.Token);
        await a.Started.Task.Within();
        var b = Start("b", _stop.Token);

        await Tick(60, a, b);

        Assert.True(a.Elector.IsLeader);
        Assert.False(b.Elector.IsLeader);
        Assert.False(b.Started.Task.IsCompleted);
        Assert.Equal("a", _store.Current!.Record.HolderIdentity);
        Assert.True(b.Lock.Calls >= 30);
    }

    [Fact]
    public async Task When_the_leader_stops_renewing_its_work_stops_before_another_takes_over()
    {
        var t0 = _clock.GetUtcNow();
        var a = Start("a", _stop.Token);
        var aToken = await a.Started.Task.Within();
        var b = Start("b", _stop.Token);

        // Given a leader that renews at t0+2, then loses the API server.
        await Tick(2, a, b);
        await Wait.Until(() => _store.Current!.Record.RenewTime == t0 + TimeSpan.FromSeconds(2), "the leader renews once");
        a.Lock.CutOff = true;

        // When time passes.
        await Tick(30, a, b);

        // Then a steps down at its renew deadline (round started t0+4, deadline 10 s) ...
        var aStoppedAt = await a.WorkCancelledAt.Task.Within();
        Assert.Equal(t0 + TimeSpan.FromSeconds(14), aStoppedAt);
        Assert.True(aToken.IsCancellationRequested);
        Assert.Equal(LeadershipEnd.Lost, await a.Run.Within());
        Assert.False(a.Elector.IsLeader);

        // ... and b takes over only once it has seen the lease unchanged for 15 s (last change seen at t0+2).
        await b.Started.Task.Within();
        Assert.True(b.Elector.IsLeader);
        var record = _store.Current!.Record;
        Assert.Equal("b", record.HolderIdentity);
        Assert.Equal(t0 + TimeSpan.FromSeconds(18), record.AcquireTime);
        Assert.Equal(1, record.LeaseTransitions);
        Assert.True(aStoppedAt < record.AcquireTime);
    }

    [Fact]
    public async Task Expiry_is_judged_by_the_local_clock_not_the_remote_renew_time()
    {
        // Given a lease whose holder wrote a renewTime far in the past (its clock is skewed) ...
        var t0 = _clock.GetUtcNow();
        _store.Force(new LeaderElectionRecord("skewed", TimeSpan.FromSeconds(15), t0 - TimeSpan.FromHours(1), t0 - TimeSpan.FromHours(1), 3));

        // ... a newcomer still waits a full lease duration from when it first saw the record.
        var b = Start("b", _stop.Token);
        await Tick(14, b);
        Assert.False(b.Elector.IsLeader);

        await Tick(2, b);
        await b.Started.Task.Within();
        Assert.Equal(4, _store.Current!.Record.LeaseTransitions);
    }

    [Fact]
    public async Task A_leader_that_sees_another_holder_steps_down_at_once()
    {
        var a = Start("a", _stop.Token);
        var token = await a.Started.Task.Within();

        _store.Force(new LeaderElectionRecord("intruder", TimeSpan.FromSeconds(15), _clock.GetUtcNow(), _clock.GetUtcNow(), 1));
        await Tick(2, a);

        Assert.Equal(LeadershipEnd.Lost, await a.Run.Within());
        Assert.True(token.IsCancellationRequested);
        Assert.Equal("intruder", _store.Current!.Record.HolderIdentity);
    }

    [Fact]
    public async Task A_graceful_stop_cancels_the_work_and_releases_the_lease_for_a_quick_takeover()
    {
        using var stopA = new CancellationTokenSource();
        var a = Start("a", stopA.Token);
        var aToken = await a.Started.Task.Within();
        var b = Start("b", _stop.Token);
        await Tick(1, a, b);

        await stopA.CancelAsync();

        Assert.Equal(LeadershipEnd.Stopped, await a.Run.Within());
        Assert.True(aToken.IsCancellationRequested);
        Assert.Equal(string.Empty, _store.Current!.Record.HolderIdentity);

        await Tick(2, b);
        await b.Started.Task.Within();
        Assert.Equal("b", _store.Current!.Record.HolderIdentity);
    }

    [Fact]
    public async Task Without_release_on_cancel_the_lease_stays_until_it_expires()
    {
        using var stopA = new CancellationTokenSource();
        var a = Start("a", stopA.Token, new LeaderElectionOptions { ReleaseOnCancel = false });
        await a.Started.Task.Within();

        await stopA.CancelAsync();

        Assert.Equal(LeadershipEnd.Stopped, await a.Run.Within());
        Assert.Equal("a", _store.Current!.Record.HolderIdentity);
    }

    [Fact]
    public async Task Stopping_before_leadership_returns_without_running_the_work()
    {
        _store.Force(new LeaderElectionRecord("other", TimeSpan.FromSeconds(15), null, null, 0));
        using var stopB = new CancellationTokenSource();
        var b = Start("b", stopB.Token);
        await Tick(1, b);

        await stopB.CancelAsync();

        Assert.Equal(LeadershipEnd.Stopped, await b.Run.Within());
        Assert.False(b.Started.Task.IsCompleted);
        Assert.Equal("other", _store.Current!.Record.HolderIdentity);
    }

    [Theory]
    [InlineData("", 15, 0, true)]      // released
    [InlineData("x", 15, 14.9, false)] // unchanged for less than the duration
    [InlineData("x", 15, 15, true)]
    [InlineData("x", 15, 300, true)]
    [InlineData("x", 1, 1, true)]
    public void A_lease_can_be_taken_once_released_or_unchanged_for_its_duration(string holder, int durationSeconds, double unchangedSeconds, bool expected)
    {
        var record = new LeaderElectionRecord(holder, TimeSpan.FromSeconds(durationSeconds), null, null, 0);

        Assert.Equal(expected, LeaderElector.CanTake(record, TimeSpan.FromSeconds(unchangedSeconds)));
    }

    [Fact]
    public void Timings_that_would_let_two_leaders_overlap_are_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new LeaderElector(new FakeLeaseLock(_store), _clock, options: new LeaderElectionOptions { LeaseDuration = TimeSpan.FromSeconds(10) }));
        Assert.Contains("must be longer than RenewDeadline", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new LeaderElector(new FakeLeaseLock(_store), _clock, options: new LeaderElectionOptions { RetryPeriod = TimeSpan.FromSeconds(10) }));
        Assert.Throws<ArgumentException>(() => new LeaderElector(new FakeLeaseLock(_store), _clock, options: new LeaderElectionOptions { Identity = string.Empty }));
    }

    [Fact]
    public void The_default_identity_is_the_host_or_pod_name_with_a_random_suffix()
    {
        var first = LeaderElector.DefaultIdentity();
        var second = LeaderElector.DefaultIdentity();

        Assert.NotEqual(first, second);
        Assert.Matches("^.+_[0-9a-f]{8}$", first);
    }
}
