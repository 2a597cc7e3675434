using System.Collections.Concurrent;
using ModelOperator.ControllerRuntime.Queue;
using ModelOperator.Testing;

namespace ModelOperator.ControllerRuntime.Tests.Queue;

public sealed class WorkQueueTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static async Task<string> Next(WorkQueue<string> queue)
    {
        using var cts = new CancellationTokenSource(Patience);
        var item = await queue.GetAsync(cts.Token);
        Assert.False(item.IsShutDown);
        return item.Item;
    }

    [Fact]
    public async Task Adding_a_waiting_item_again_does_nothing()
    {
        using var queue = new WorkQueue<string>(new ManualTimeProvider());

        queue.Add("a");
        queue.Add("b");
        queue.Add("a");

        Assert.Equal(2, queue.Length);
        Assert.Equal("a", await Next(queue));
        Assert.Equal("b", await Next(queue));
        Assert.Equal(0, queue.Length);
    }

    [Fact]
    public async Task An_item_added_while_held_is_queued_again_only_after_Done()
    {
        using var queue = new WorkQueue<string>(new ManualTimeProvider());
        queue.Add("a");
        var held = await Next(queue);

        queue.Add("a");
        queue.Add("a");

        Assert.Equal(0, queue.Length); // not handed out while held
        Assert.Equal(1, queue.Processing);

        queue.Done(held);

        Assert.Equal(1, queue.Length);
        Assert.Equal("a", await Next(queue));
        queue.Done("a");
        Assert.Equal(0, queue.Length);
    }

    [Fact]
    public async Task Done_without_a_new_add_does_not_requeue()
    {
        using var queue = new WorkQueue<string>(new ManualTimeProvider());
        queue.Add("a");
        queue.Done(await Next(queue));

        Assert.Equal(0, queue.Length);
        Assert.Equal(0, queue.Processing);
    }

    [Fact]
    public async Task A_waiting_worker_receives_an_item_added_later()
    {
        using var queue = new WorkQueue<string>(new ManualTimeProvider());
        var pending = queue.GetAsync(CancellationToken.None);
        Assert.False(pending.IsCompleted);

        queue.Add("late");

        var item = await pending.WaitAsync(Patience);
        Assert.Equal("late", item.Item);
        Assert.Equal(1, queue.Processing);
    }

    [Fact]
    public async Task Cancelling_a_wait_throws_and_the_next_item_goes_to_another_worker()
    {
        using var queue = new WorkQueue<string>(new ManualTimeProvider());
        using var cts = new CancellationTokenSource();
        var cancelled = queue.GetAsync(cts.Token);

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Patience));

        queue.Add("a");
        Assert.Equal(1, queue.Length);
        Assert.Equal("a", await Next(queue));
    }

    [Fact]
    public async Task AddAfter_adds_only_when_the_clock_reaches_the_delay()
    {
        var clock = new ManualTimeProvider();
        using var queue = new WorkQueue<string>(clock);

        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        Assert.Equal(0, queue.Length);
        Assert.Equal(1, queue.Delayed);

        clock.Advance(TimeSpan.FromSeconds(9.999));
        Assert.Equal(0, queue.Length);

        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, queue.Length);
        Assert.Equal(0, queue.Delayed);
        Assert.Equal("a", await Next(queue));
    }

    [Fact]
    public void AddAfter_keeps_the_earliest_time_for_an_item()
    {
        var clock = new ManualTimeProvider();
        using var queue = new WorkQueue<string>(clock);

        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        queue.AddAfter("a", TimeSpan.FromSeconds(3));
        queue.AddAfter("a", TimeSpan.FromSeconds(20));

        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(1, queue.Length);
        Assert.Equal(0, queue.Delayed);
        Assert.Equal(0, clock.PendingTimers);
    }

    [Fact]
    public void AddAfter_with_no_delay_adds_at_once()
    {
        using var queue = new WorkQueue<string>(new ManualTimeProvider());

        queue.AddAfter("a", TimeSpan.Zero);
        queue.AddAfter("b", TimeSpan.FromSeconds(-1));

        Assert.Equal(2, queue.Length);
    }

    [Fact]
    public async Task AddRateLimited_backs_off_exponentially_and_Forget_resets()
    {
        var clock = new ManualTimeProvider();
        var limiter = new ExponentialFailureRateLimiter<string>(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        using var queue = new WorkQueue<string>(clock, limiter);

        foreach (var expected in new[] { 1, 2, 4, 8 })
        {
            queue.AddRateLimited("a");
            clock.Advance(TimeSpan.FromSeconds(expected) - TimeSpan.FromMilliseconds(1));
            Assert.Equal(0, queue.Length);
            clock.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(1, queue.Length);
            queue.Done(await Next(queue));
        }

        Assert.Equal(4, queue.NumRequeues("a"));
        queue.Forget("a");
        Assert.Equal(0, queue.NumRequeues("a"));

        queue.AddRateLimited("a");
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, queue.Length);
    }

    [Fact]
    public async Task ShutDown_hands_out_what_is_left_then_reports_shut_down_and_ignores_adds()
    {
        var clock = new ManualTimeProvider();
        using var queue = new WorkQueue<string>(clock);
        var idle = queue.GetAsync(CancellationToken.None);
        queue.Add("a"); // goes to the idle worker
        queue.Add("b");
        queue.AddAfter("c", TimeSpan.FromSeconds(1));

        queue.ShutDown();
        queue.Add("d");
        clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal("a", (await idle.WaitAsync(Patience)).Item);
        Assert.Equal("b", await Next(queue));
        Assert.True((await queue.GetAsync(CancellationToken.None)).IsShutDown);
        Assert.True(queue.IsShuttingDown);
    }

    [Fact]
    public async Task ShutDown_wakes_idle_workers()
    {
        using var queue = new WorkQueue<string>(new ManualTimeProvider());
        var idle = queue.GetAsync(CancellationToken.None);

        queue.ShutDown();

        Assert.True((await idle.WaitAsync(Patience)).IsShutDown);
    }

    [Fact]
    public async Task ShutDownWithDrain_waits_for_held_items()
    {
        using var queue = new WorkQueue<string>(new ManualTimeProvider());
        queue.Add("a");
        var held = await Next(queue);

        var drained = queue.ShutDownWithDrainAsync(CancellationToken.None);
        Assert.False(drained.IsCompleted);

        queue.Done(held);
        await drained.WaitAsync(Patience);
    }

    [Fact]
    public async Task Metrics_see_adds_retries_depth_and_latency()
    {
        var clock = new ManualTimeProvider();
        var metrics = new RecordingMetrics();
        using var queue = new WorkQueue<string>(clock, new ExponentialFailureRateLimiter<string>(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)), metrics);

        queue.Add("a");
        queue.Add("a");
        queue.Add("b");
        Assert.Equal(2, metrics.LastDepth);
        clock.Advance(TimeSpan.FromSeconds(3));
        var item = await Next(queue);
        clock.Advance(TimeSpan.FromSeconds(2));
        queue.Done(item);
        queue.AddRateLimited("a");

        Assert.Equal(2, metrics.Adds);
        Assert.Equal(1, metrics.Retries);
        Assert.Equal(1, metrics.LastDepth);
        Assert.Equal(TimeSpan.FromSeconds(3), metrics.Waits.Single());
        Assert.Equal(TimeSpan.FromSeconds(2), metrics.Holds.Single());
    }

    [Fact]
    public async Task A_key_is_never_held_by_two_workers_at_once()
    {
        using var queue = new WorkQueue<int>(TimeProvider.System);
        var holders = new ConcurrentDictionary<int, int>();
        var processed = 0;
        var violations = 0;
        const int Keys = 5;
        const int AddsPerKey = 400;

        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var work = await queue.GetAsync(CancellationToken.None);
                if (work.IsShutDown)
                {
                    return;
                }

                if (holders.AddOrUpdate(work.Item, 1, (_, n) => n + 1) != 1)
                {
                    Interlocked.Increment(ref violations);
                }

                await Task.Yield();
                Interlocked.Increment(ref processed);
                holders.AddOrUpdate(work.Item, 0, (_, n) => n - 1);
                queue.Done(work.Item);
            }
        })).ToArray();

        var producers = Enumerable.Range(0, Keys).Select(key => Task.Run(async () =>
        {
            for (var i = 0; i < AddsPerKey; i++)
            {
                queue.Add(key);
                if (i % 16 == 0)
                {
                    await Task.Yield();
                }
            }
        })).ToArray();

        await Task.WhenAll(producers).WaitAsync(Patience);
        await queue.ShutDownWithDrainAsync(CancellationToken.None).WaitAsync(Patience);
        await Task.WhenAll(workers).WaitAsync(Patience);

        Assert.Equal(0, violations);
        Assert.InRange(processed, Keys, Keys * AddsPerKey);
    }

    private sealed class RecordingMetrics : IWorkQueueMetrics
    {
        public int Adds { get; private set; }

        public int Retries { get; private set; }

        public int LastDepth { get; private set; }

        public List<TimeSpan> Waits { get; } = [];

        public List<TimeSpan> Holds { get; } = [];

        public void Added() => Adds++;

        public void DepthChanged(int depth) => LastDepth = depth;

        public void Dequeued(TimeSpan waited) => Waits.Add(waited);

        public void Processed(TimeSpan held) => Holds.Add(held);

        public void Retried() => Retries++;
    }
}
