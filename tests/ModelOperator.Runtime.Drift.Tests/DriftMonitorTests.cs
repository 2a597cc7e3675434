using ModelOperator.Statistics;
using ModelOperator.Testing;

namespace ModelOperator.Runtime.Drift.Tests;

public sealed class DriftMonitorTests
{
    // Feature "x": numeric, edges [0, 10, 20] -> bins (-inf,0) [0,10) [10,20) [20,inf); reference 50/50 in the inner bins, min 0, max 19.
    // Feature "plan": categorical {1, 2, 3}, reference 0.5/0.3/0.2, unseen 0.
    // Output "score": numeric, edges [0, 0.5, 1] -> 4 bins; reference 0.8/0.2 in the inner bins, min 0, max 0.9.
    private static ReferenceProfile Profile() => new(
        [
            new SeriesProfile("x", SeriesKind.Numeric, 0, 19, [0, 10, 20], null, [0, 0.5, 0.5, 0]),
            new SeriesProfile("plan", SeriesKind.Categorical, 1, 3, null, [1, 2, 3], [0.5, 0.3, 0.2, 0]),
        ],
        [new SeriesProfile("score", SeriesKind.Numeric, 0, 0.9, [0, 0.5, 1], null, [0, 0.8, 0.2, 0])],
        100);

    private static readonly DriftMonitorOptions Options = new()
    {
        BucketWidth = TimeSpan.FromSeconds(10),
        Window = TimeSpan.FromMinutes(5),
        PsiThreshold = 0.25,
        MinSamples = 10,
    };

    /// <summary>Rows that follow the reference exactly: 10 rows, x half below 10, plan 5/3/2, score 8/2.</summary>
    private static (float[] Features, float[] Outputs) ReferenceRows()
    {
        float[] features = [1, 1, 2, 1, 3, 1, 4, 1, 5, 1, 11, 2, 12, 2, 13, 2, 14, 3, 15, 3];
        float[] outputs = [0.1f, 0.1f, 0.2f, 0.2f, 0.3f, 0.3f, 0.4f, 0.4f, 0.6f, 0.7f];
        return (features, outputs);
    }

    [Fact]
    public void Values_land_in_their_bins_and_data_like_the_reference_scores_zero()
    {
        var clock = new ManualTimeProvider();
        var monitor = new DriftMonitor(Profile(), Options, clock);
        (float[] features, float[] outputs) = ReferenceRows();

        monitor.Record(features, 10, outputs);
        DriftSnapshot snapshot = monitor.Snapshot();

        Assert.Equal(10, snapshot.Rows);
        SeriesDrift x = snapshot.Features[0];
        Assert.Equal([0L, 5, 5, 0], x.Counts);
        Assert.Equal(10, x.SampleCount);
        Assert.Equal(0, x.Psi, 12);
        Assert.Equal(0, x.JensenShannonDistance, 6);
        Assert.Equal([5L, 3, 2, 0], snapshot.Features[1].Counts);
        Assert.Equal([0L, 8, 2, 0], snapshot.Outputs[0].Counts);
        Assert.Equal(DriftVerdict.Stable, snapshot.Verdict);
        Assert.Equal(DriftState.None, snapshot.State);
        Assert.Equal(clock.GetUtcNow(), snapshot.At);
    }

    [Fact]
    public void Scores_equal_the_statistics_of_the_window_counts()
    {
        var monitor = new DriftMonitor(Profile(), Options, new ManualTimeProvider());
        // x: 9 values in [0,10), 1 in [10,20).
        float[] features = [.. Enumerable.Range(0, 10).SelectMany(i => new[] { i < 9 ? 1f : 15f, 1f })];

        monitor.Record(features, 10, []);
        SeriesDrift x = monitor.Snapshot().Features[0];

        Assert.Equal(DriftStatistics.PopulationStabilityIndex([0, 0.5, 0.5, 0], [0, 9, 1, 0]), x.Psi, 12);
        Assert.Equal(0.38313587985994224, x.JensenShannonDistance, 12);
        Assert.Equal(DriftVerdict.Drifting, x.Verdict);
    }

    [Fact]
    public void Data_quality_counters_count_nan_infinity_out_of_range_and_unseen_categories()
    {
        var monitor = new DriftMonitor(Profile(), Options, new ManualTimeProvider());
        float[] features =
        [
            float.NaN, 1,
            float.PositiveInfinity, float.NaN,
            float.NegativeInfinity, 7,      // 7: unseen category (and above plan's max 3)
            -1, 2.5f,                       // -1: below x's min, underflow bin; 2.5: unseen, inside [1, 3]
            19.5f, 0,                       // 19.5: above x's max 19 but still in [10, 20); 0: unseen, below min
            25, 3,                          // 25: overflow bin
        ];
        float[] outputs = [0.1f, float.NaN, 2, -0.5f, 0.9f, 0.95f];

        monitor.Record(features, 6, outputs);
        DriftSnapshot s = monitor.Snapshot();

        SeriesDrift x = s.Features[0];
        Assert.Equal((1L, 2L, 3L, 0L), (x.NaNCount, x.InfiniteCount, x.OutOfRangeCount, x.UnseenCategoryCount));
        Assert.Equal([1L, 0, 1, 1], x.Counts);
        Assert.Equal(3, x.SampleCount);

        SeriesDrift plan = s.Features[1];
        Assert.Equal((1L, 0L, 2L, 3L), (plan.NaNCount, plan.InfiniteCount, plan.OutOfRangeCount, plan.UnseenCategoryCount));
        Assert.Equal([1L, 0, 1, 3], plan.Counts);

        SeriesDrift score = s.Outputs[0];
        Assert.Equal((1L, 0L, 3L), (score.NaNCount, score.InfiniteCount, score.OutOfRangeCount));
        Assert.Equal([1L, 1, 2, 1], score.Counts);
    }

    [Fact]
    public void Windows_age_out_bucket_by_bucket()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var monitor = new DriftMonitor(Profile(), Options, clock);
        (float[] features, float[] outputs) = ReferenceRows();

        monitor.Record(features, 10, outputs);              // bucket [00:00, 00:10)
        clock.Advance(TimeSpan.FromSeconds(15));
        monitor.Record(features.AsSpan(0, 2), 1, outputs.AsSpan(0, 1)); // bucket [00:10, 00:20)

        clock.Advance(TimeSpan.FromSeconds(4 * 60 + 44));   // 04:59: both buckets inside the 5-minute window
        Assert.Equal(11, monitor.Snapshot().Rows);

        clock.Advance(TimeSpan.FromSeconds(1));             // 05:00: the first bucket has left the window
        DriftSnapshot later = monitor.Snapshot();
        Assert.Equal(1, later.Rows);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 10, TimeSpan.Zero), later.WindowStart);

        clock.Advance(TimeSpan.FromSeconds(10));            // 05:10: empty
        Assert.Equal(0, monitor.Snapshot().Rows);
        Assert.True(double.IsNaN(monitor.Snapshot().Features[0].Psi));
    }

    [Fact]
    public void A_recycled_bucket_starts_from_zero()
    {
        var clock = new ManualTimeProvider();
        var monitor = new DriftMonitor(Profile(), Options with { Window = TimeSpan.FromSeconds(30) }, clock);
        (float[] features, float[] outputs) = ReferenceRows();

        monitor.Record(features, 10, outputs);
        clock.Advance(TimeSpan.FromSeconds(30)); // same ring slot, three buckets later
        monitor.Record(features.AsSpan(0, 4), 2, outputs.AsSpan(0, 2));

        DriftSnapshot s = monitor.Snapshot();
        Assert.Equal(2, s.Rows);
        Assert.Equal([0L, 2, 0, 0], s.Features[0].Counts);
    }

    [Fact]
    public void A_record_from_before_the_ring_is_dropped_and_counted()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 1, 0, TimeSpan.Zero));
        var shifting = new ShiftableTimeProvider(clock);
        var monitor = new DriftMonitor(Profile(), Options with { Window = TimeSpan.FromSeconds(30) }, shifting);
        (float[] features, float[] outputs) = ReferenceRows();
        monitor.Record(features, 10, outputs);

        shifting.Offset = TimeSpan.FromSeconds(-30); // the clock steps back by a whole ring: same slot, older bucket
        monitor.Record(features, 10, outputs);
        shifting.Offset = TimeSpan.Zero;

        DriftSnapshot s = monitor.Snapshot();
        Assert.Equal(10, s.Rows);
        Assert.Equal(1, s.DroppedRecords);
    }

    [Fact]
    public void Drift_detection_and_clearing_times_are_kept()
    {
        var clock = new ManualTimeProvider();
        var monitor = new DriftMonitor(Profile(), Options with { Window = TimeSpan.FromMinutes(1) }, clock);
        (float[] features, float[] outputs) = ReferenceRows();
        float[] shifted = [.. features.Select((v, i) => i % 2 == 0 ? v + 10 : v)]; // x moves to [10, 20) and beyond

        Assert.Equal(DriftVerdict.Inconclusive, monitor.Snapshot().Verdict);

        monitor.Record(shifted, 10, outputs);
        DateTimeOffset detectedAt = clock.GetUtcNow();
        DriftSnapshot drifting = monitor.Snapshot();
        Assert.Equal(DriftVerdict.Drifting, drifting.Verdict);
        Assert.Equal(DriftVerdict.Drifting, drifting.Features[0].Verdict);
        Assert.Equal(DriftVerdict.Stable, drifting.Features[1].Verdict);
        Assert.Equal(new DriftState(detectedAt, null), drifting.State);

        clock.Advance(TimeSpan.FromSeconds(20));
        monitor.Record(shifted, 10, outputs);
        Assert.Equal(detectedAt, monitor.Snapshot().State.DetectedAt); // still the first crossing

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(DriftVerdict.Inconclusive, monitor.Snapshot().Verdict); // no data: the episode goes on
        Assert.True(monitor.Snapshot().State.IsDrifting);

        monitor.Record(features, 10, outputs);
        DriftSnapshot cleared = monitor.Snapshot();
        Assert.Equal(DriftVerdict.Stable, cleared.Verdict);
        Assert.Equal(new DriftState(detectedAt, clock.GetUtcNow()), cleared.State);
        Assert.False(cleared.State.IsDrifting);
    }

    [Fact]
    public void Below_the_minimum_samples_a_series_is_inconclusive()
    {
        var monitor = new DriftMonitor(Profile(), Options with { MinSamples = 11 }, new ManualTimeProvider());
        (float[] features, float[] outputs) = ReferenceRows();
        monitor.Record(features, 10, outputs);

        DriftSnapshot s = monitor.Snapshot();

        Assert.All(s.Features, f => Assert.Equal(DriftVerdict.Inconclusive, f.Verdict));
        Assert.Equal(DriftVerdict.Inconclusive, s.Verdict);
        Assert.Equal(10, s.Features[0].SampleCount); // the scores are still computed and reported
        Assert.Equal(0, s.Features[0].Psi, 12);
    }

    [Fact]
    public void Jensen_shannon_can_be_the_trigger()
    {
        var monitor = new DriftMonitor(Profile(), Options with { PsiThreshold = null, JensenShannonThreshold = 0.3 }, new ManualTimeProvider());
        float[] features = [.. Enumerable.Range(0, 10).SelectMany(i => new[] { i < 9 ? 1f : 15f, 1f })]; // JS 0.383 on x

        monitor.Record(features, 10, []);

        Assert.Equal(DriftVerdict.Drifting, monitor.Snapshot().Features[0].Verdict);
        Assert.Equal(DriftVerdict.Inconclusive, monitor.Snapshot().Outputs[0].Verdict); // no outputs recorded
    }

    [Fact]
    public void Record_refuses_mismatched_shapes()
    {
        var monitor = new DriftMonitor(Profile(), Options, new ManualTimeProvider());
        var e = Assert.Throws<ArgumentException>(() => monitor.Record(new float[5], 3, []));
        Assert.Contains("Record got 5 feature values and 0 output values for 3 rows; the profile needs rows × 2 features = 6 and rows × 1 outputs = 3", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => monitor.Record(new float[6], 3, new float[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => monitor.Record([], 0, []));
    }

    [Theory]
    [InlineData(10, 25, "whole multiple")]
    [InlineData(10, 5, "whole multiple")]
    [InlineData(0, 10, "at least 1 ms")]
    public void Bad_window_options_are_refused(int bucketSeconds, int windowSeconds, string message)
    {
        var options = Options with { BucketWidth = TimeSpan.FromSeconds(bucketSeconds), Window = TimeSpan.FromSeconds(windowSeconds) };
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new DriftMonitor(Profile(), options, new ManualTimeProvider()));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_bad_options_are_refused()
    {
        var clock = new ManualTimeProvider();
        Assert.Throws<ArgumentException>(() => new DriftMonitor(Profile(), Options with { PsiThreshold = null }, clock));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DriftMonitor(Profile(), Options with { JensenShannonThreshold = 1.5 }, clock));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DriftMonitor(Profile(), Options with { MinSamples = 0 }, clock));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DriftMonitor(Profile(), Options with { Epsilon = -1 }, clock));
    }

    [Fact]
    public void Eight_threads_recording_lose_no_counts()
    {
        const int threads = 8;
        const int calls = 20_000;
        var monitor = new DriftMonitor(Profile(), Options, new ManualTimeProvider());
        (float[] features, float[] outputs) = ReferenceRows();

        RunOnThreads(threads, _ =>
        {
            for (int i = 0; i < calls; i++)
            {
                monitor.Record(features, 10, outputs);
            }
        });

        DriftSnapshot s = monitor.Snapshot();
        long n = threads * calls;
        Assert.Equal(n * 10, s.Rows);
        Assert.Equal([0L, 5 * n, 5 * n, 0], s.Features[0].Counts);
        Assert.Equal([5 * n, 3 * n, 2 * n, 0], s.Features[1].Counts);
        Assert.Equal([0L, 8 * n, 2 * n, 0], s.Outputs[0].Counts);
    }

    [Fact]
    public void Eight_threads_recording_while_the_clock_moves_across_buckets_lose_no_counts()
    {
        const int threads = 8;
        const int calls = 5_000;
        var clock = new ManualTimeProvider();
        // 1-second buckets over 1000 s: the clock moves through ~300 fresh buckets while threads record, all inside the window.
        var monitor = new DriftMonitor(Profile(), Options with { BucketWidth = TimeSpan.FromSeconds(1), Window = TimeSpan.FromSeconds(1000) }, clock);
        (float[] features, float[] outputs) = ReferenceRows();
        int finished = 0;

        var ticker = new Thread(() =>
        {
            for (int i = 0; i < 300 && Volatile.Read(ref finished) < threads; i++)
            {
                clock.Advance(TimeSpan.FromSeconds(1));
                Thread.Yield();
            }
        });
        ticker.Start();
        RunOnThreads(threads, _ =>
        {
            for (int i = 0; i < calls; i++)
            {
                monitor.Record(features, 10, outputs);
            }

            Interlocked.Increment(ref finished);
        });
        ticker.Join();

        DriftSnapshot s = monitor.Snapshot();
        Assert.Equal(threads * calls * 10L, s.Rows);
        Assert.Equal(threads * calls * 5L, s.Features[0].Counts[1]);
        Assert.Equal(0, s.DroppedRecords);
    }

    [Fact]
    public void Buckets_recycled_while_eight_threads_record_never_keep_part_of_a_record()
    {
        const int threads = 8;
        const int calls = 5_000;
        var clock = new ManualTimeProvider();
        // Two 10-second buckets: every advance recycles a slot that writers may be using.
        var monitor = new DriftMonitor(Profile(), Options with { Window = TimeSpan.FromSeconds(20) }, clock);
        (float[] features, float[] outputs) = ReferenceRows();
        int finished = 0;
        var ticker = new Thread(() =>
        {
            while (Volatile.Read(ref finished) < threads)
            {
                clock.Advance(TimeSpan.FromSeconds(10));
                Thread.Yield();
            }
        });
        ticker.Start();
        RunOnThreads(threads, _ =>
        {
            for (int i = 0; i < calls; i++)
            {
                monitor.Record(features, 10, outputs);
            }

            Interlocked.Increment(ref finished);
        });
        ticker.Join();

        // Each Record adds 10 rows split 5/5 on x, 5/3/2 on plan and 8/2 on score: a bucket cleared
        // in the middle of a Record would break these proportions.
        DriftSnapshot s = monitor.Snapshot();
        long records = s.Rows / 10;
        Assert.Equal(0, s.Rows % 10);
        Assert.Equal([0L, 5 * records, 5 * records, 0], s.Features[0].Counts);
        Assert.Equal([5 * records, 3 * records, 2 * records, 0], s.Features[1].Counts);
        Assert.Equal([0L, 8 * records, 2 * records, 0], s.Outputs[0].Counts);
    }

    [Fact]
    public void Record_allocates_nothing()
    {
        var monitor = new DriftMonitor(Profile(), Options, TimeProvider.System);
        (float[] features, float[] outputs) = ReferenceRows();
        for (int i = 0; i < 2000; i++)
        {
            monitor.Record(features, 10, outputs); // warm-up: JIT and tiering, first bucket
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            monitor.Record(features, 10, outputs);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static void RunOnThreads(int count, Action<int> work)
    {
        using var start = new Barrier(count);
        Thread[] threads = [.. Enumerable.Range(0, count).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            work(t);
        }))];
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }
    }

    /// <summary>A clock that can be stepped back, as a wall clock corrected by NTP can.</summary>
    private sealed class ShiftableTimeProvider(TimeProvider inner) : TimeProvider
    {
        public TimeSpan Offset { get; set; }

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + Offset;
    }
}
