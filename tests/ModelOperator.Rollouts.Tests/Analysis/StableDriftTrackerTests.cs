using ModelOperator.Api;
using ModelOperator.Rollouts.Analysis;
using ModelOperator.Rollouts.Planning;

namespace ModelOperator.Rollouts.Tests.Analysis;

public sealed class StableDriftTrackerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly AnalysisCriteria Criteria = new() { MinSamples = 50 };

    private static StableDriftObservation Read(double rows, params (string Name, double Score, long Samples)[] features) =>
        new() { Rows = rows, Features = features.Select(f => new FeatureDriftReading(f.Name, f.Score, f.Samples)).ToList() };

    private static FeatureDriftStatus Feature(StableDriftStatus? state, string name) => Assert.Single(state!.Features!, f => f.Name == name);

    [Fact]
    public void The_worked_example_of_the_remarks_holds()
    {
        var previous = new StableDriftStatus
        {
            Revision = "churn-abc", ObservedAt = T0, Samples = 800,
            Features = [new FeatureDriftStatus { Name = "tenure", Score = 0.31, Threshold = 0.25, Drifting = true, Since = T0 }],
        };

        var next = StableDriftTracker.Next(previous, "churn-abc", Read(800, ("tenure", 0.29, 400), ("tenure", 0.33, 380), ("plan", 0.30, 20)), Criteria, T0.AddSeconds(30));

        Assert.Equal(new FeatureDriftStatus { Name = "tenure", Score = 0.33, Threshold = 0.25, Drifting = true, Since = T0 }, next!.Features![0]);
        Assert.Equal(new FeatureDriftStatus { Name = "plan", Score = 0.3, Threshold = 0.25, Drifting = false, Since = null }, next.Features[1]);
        Assert.Equal(T0.AddSeconds(30), next.ObservedAt);
    }

    public static TheoryData<string, double?, double, long, bool?, bool, int?> Verdicts => new()
    {
        // case, threshold (null: default 0.25), score, samples, drifting before (null: unknown), drifting after, since (seconds after T0; null: none)
        { "under the default threshold", null, 0.249, 500, null, false, null },
        { "at the threshold drifts, since now", null, 0.25, 500, null, true, 60 },
        { "the spec's threshold", 0.1, 0.12, 500, null, true, 60 },
        { "a drifting feature keeps its since", null, 0.4, 500, true, true, 0 },
        { "one that recovered has no since", null, 0.05, 500, true, false, null },
        { "too few values keep a drifting verdict and its since", null, 0.01, 49, true, true, 0 },
        { "too few values do not start drifting", null, 0.9, 49, false, false, null },
        { "too few values and nothing known: not drifting", null, 0.9, 0, null, false, null },
    };

    [Theory]
    [MemberData(nameof(Verdicts))]
    public void A_feature_drifts_at_or_above_its_threshold_over_enough_values(string name, double? threshold, double score, long samples, bool? before, bool after, int? sinceSeconds)
    {
        _ = name;
        var previous = before is null ? null : new StableDriftStatus
        {
            Revision = "r", ObservedAt = T0, Samples = 500,
            Features = [new FeatureDriftStatus { Name = "f", Score = 0.3, Threshold = 0.25, Drifting = before, Since = before == true ? T0 : null }],
        };

        var next = StableDriftTracker.Next(previous, "r", Read(500, ("f", score, samples)), Criteria with { MaxFeatureDrift = threshold }, T0.AddSeconds(60));

        var f = Feature(next, "f");
        Assert.Equal(after, f.Drifting);
        Assert.Equal(sinceSeconds is { } s ? T0.AddSeconds(s) : null, f.Since);
        Assert.Equal(threshold ?? StableDriftTracker.DefaultThreshold, f.Threshold);
    }

    public static TheoryData<string, (string Name, double Score, int? SinceSeconds)[], bool, string> SeriesSince => new()
    {
        // case, readings (one per pod and feature; since in seconds after T0, null: that pod's server sees no drift of it),
        // whether a was drifting at the last look (T0, since T0 - 600), expected "name since" per feature (seconds after T0)
        { "two features crossing at different times each date from their own crossing", [("a", 0.4, 5), ("b", 0.3, 20)], false, "a 5, b 20" },
        { "pods disagreeing: the first pod to see it counts", [("a", 0.4, 20), ("a", 0.5, 8), ("a", 0.45, null)], false, "a 8" },
        { "a crossing before the last look dates from this measurement", [("a", 0.4, -300)], false, "a 30" },
        { "no server start dates from this measurement", [("a", 0.4, null)], false, "a 30" },
        { "a start after now (a skewed clock) dates from this measurement", [("a", 0.4, 45)], false, "a 30" },
        { "a feature still drifting keeps its since whatever the server says", [("a", 0.4, 20)], true, "a -600" },
        { "a feature under its threshold has no since though a pod's server sees drift", [("a", 0.2, 10), ("b", 0.3, 10)], false, "a -, b 10" },
    };

    [Theory]
    [MemberData(nameof(SeriesSince))]
    public void Each_feature_dates_from_when_the_servers_first_saw_it_cross(string name, (string Name, double Score, int? SinceSeconds)[] readings, bool wasDrifting, string expected)
    {
        _ = name;
        var previous = new StableDriftStatus
        {
            Revision = "r", ObservedAt = T0, Samples = 500,
            Features =
            [
                new FeatureDriftStatus { Name = "a", Score = wasDrifting ? 0.4 : 0.1, Threshold = 0.25, Drifting = wasDrifting, Since = wasDrifting ? T0.AddSeconds(-600) : null },
                new FeatureDriftStatus { Name = "b", Score = 0.1, Threshold = 0.25, Drifting = false },
            ],
        };
        var observed = new StableDriftObservation
        {
            Rows = 500,
            Features = [.. readings.Select(r => new FeatureDriftReading(r.Name, r.Score, 500, r.SinceSeconds is { } s ? T0.AddSeconds(s) : null))],
        };

        var next = StableDriftTracker.Next(previous, "r", observed, Criteria, T0.AddSeconds(30));

        var shown = next!.Features!.OrderBy(f => f.Name, StringComparer.Ordinal)
            .Select(f => $"{f.Name} {(f.Since is { } since ? (since - T0).TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-")}");
        Assert.Equal(expected, string.Join(", ", shown));
    }

    [Fact]
    public void A_feature_that_recovers_loses_its_since_and_crossing_again_starts_a_new_one()
    {
        // Given tenure drifting since T0 - 600 and plan drifting since T0 - 60
        var drifting = new StableDriftStatus
        {
            Revision = "r", ObservedAt = T0, Samples = 500,
            Features =
            [
                new FeatureDriftStatus { Name = "tenure", Score = 0.4, Threshold = 0.25, Drifting = true, Since = T0.AddSeconds(-600) },
                new FeatureDriftStatus { Name = "plan", Score = 0.3, Threshold = 0.25, Drifting = true, Since = T0.AddSeconds(-60) },
            ],
        };

        // When tenure recovers at T0 + 30 (its server unpublishes its start) while plan keeps drifting
        var recovered = StableDriftTracker.Next(drifting, "r", new StableDriftObservation
        {
            Rows = 500,
            Features = [new("tenure", 0.05, 500), new("plan", 0.31, 500, T0.AddSeconds(-60))],
        }, Criteria, T0.AddSeconds(30));

        // and crosses again, the server seeing it from T0 + 50, measured at T0 + 60
        var again = StableDriftTracker.Next(recovered, "r", new StableDriftObservation
        {
            Rows = 500,
            Features = [new("tenure", 0.45, 500, T0.AddSeconds(50)), new("plan", 0.32, 500, T0.AddSeconds(-60))],
        }, Criteria, T0.AddSeconds(60));

        // Then tenure had no since while recovered and dates its new drift from the new crossing; plan never moved
        Assert.Equal((false, (DateTimeOffset?)null), (Feature(recovered, "tenure").Drifting!.Value, Feature(recovered, "tenure").Since));
        Assert.Equal((true, (DateTimeOffset?)T0.AddSeconds(50)), (Feature(again, "tenure").Drifting!.Value, Feature(again, "tenure").Since));
        Assert.Equal(T0.AddSeconds(-60), Feature(again, "plan").Since);
    }

    [Fact]
    public void Jitter_and_a_growing_window_keep_the_previous_state_whole_a_real_move_does_not()
    {
        var first = StableDriftTracker.Next(null, "r", Read(1234, ("a", 0.30012, 600), ("b", 0.02, 600)), Criteria, T0);

        var again = StableDriftTracker.Next(first, "r", Read(3500, ("a", 0.34, 1700), ("b", 0.031, 1700)), Criteria, T0.AddSeconds(30));
        var moved = StableDriftTracker.Next(first, "r", Read(1236, ("a", 0.36, 610), ("b", 0.02, 610)), Criteria, T0.AddSeconds(30));
        var flipped = StableDriftTracker.Next(first, "r", Read(1236, ("a", 0.30, 610), ("b", 0.26, 610)), Criteria, T0.AddSeconds(30));

        Assert.Same(first, again);
        Assert.Equal(1200, first!.Samples);
        Assert.NotSame(first, moved);
        Assert.Equal(T0.AddSeconds(30), moved!.ObservedAt);
        Assert.Equal(1200, moved.Samples);
        Assert.NotSame(first, flipped);
        Assert.True(flipped!.Features!.Single(f => f.Name == "b").Drifting);
    }

    [Fact]
    public void Many_features_keep_the_twenty_highest_scores_ties_by_name()
    {
        var readings = Enumerable.Range(0, 30).Select(i => ($"f{i:00}", i < 4 ? 0.5 : i / 100.0, 500L)).ToArray();

        var next = StableDriftTracker.Next(null, "r", Read(500, readings), Criteria, T0);

        Assert.Equal(StableDriftStatus.MaxFeatures, next!.Features!.Count);
        Assert.Equal(["f00", "f01", "f02", "f03", "f29"], next.Features.Take(5).Select(f => f.Name));
        Assert.DoesNotContain(next.Features, f => f.Name is "f04" or "f13");
    }

    [Fact]
    public void Unreadable_pods_keep_the_last_state_and_a_new_stable_revision_starts_over()
    {
        var previous = new StableDriftStatus { Revision = "old", ObservedAt = T0, Samples = 500, Features = [new FeatureDriftStatus { Name = "f", Score = 0.4, Threshold = 0.25, Drifting = true, Since = T0 }] };

        var failed = StableDriftTracker.Next(previous, "old", StableDriftObservation.Failed("pod a: connection refused"), Criteria, T0.AddMinutes(1));
        var promoted = StableDriftTracker.Next(previous, "new", Read(500, ("f", 0.4, 500)), Criteria, T0.AddMinutes(1));

        Assert.Same(previous, failed);
        Assert.Equal("new", promoted!.Revision);
        Assert.Equal(T0.AddMinutes(1), Feature(promoted, "f").Since);
    }

    [Fact]
    public void No_profile_no_measurement_and_no_finite_score_no_feature()
    {
        Assert.False(StableDriftTracker.Applies(new ModelDeploymentSpec { Model = new ModelSource { Uri = "s3://b/k" } }));
        Assert.True(StableDriftTracker.Applies(new ModelDeploymentSpec { Model = new ModelSource { Uri = "s3://b/k", Profile = new ModelProfile { Uri = "s3://b/p" } } }));

        var next = StableDriftTracker.Next(null, "r", Read(0, ("f", double.NaN, 0)), Criteria, T0);

        Assert.Empty(next!.Features!);
        Assert.Equal(0, next.Samples);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0.4, 0)]
    [InlineData(7, 7)]
    [InlineData(87, 87)]
    [InlineData(149.6, 150)]
    [InlineData(1234, 1200)]
    [InlineData(1250, 1300)]
    [InlineData(98765, 99000)]
    [InlineData(double.NaN, 0)]
    public void Rows_are_kept_to_two_significant_digits(double rows, long expected) =>
        Assert.Equal(expected, StableDriftTracker.RoundSamples(rows));

    [Fact]
    public void Measurements_are_due_an_interval_after_the_last_one_and_at_once_for_a_new_revision()
    {
        var state = new StableDriftStatus { Revision = "r", ObservedAt = T0 };
        var interval = TimeSpan.FromSeconds(30);

        Assert.Equal(DateTimeOffset.MinValue, StableDriftTracker.DueAt(null, "r", null, interval));
        Assert.Equal(T0.AddSeconds(30), StableDriftTracker.DueAt(state, "r", null, interval));
        Assert.Equal(T0.AddSeconds(90), StableDriftTracker.DueAt(state, "r", T0.AddSeconds(60), interval));
        Assert.Equal(DateTimeOffset.MinValue, StableDriftTracker.DueAt(state, "other", null, interval));
    }

    [Theory]
    [InlineData(null, 30, 30)]
    [InlineData(10, 30, 10)]
    [InlineData(60, 30, 30)]
    [InlineData(0, 30, 30)]
    public void The_plan_requeues_by_the_next_measurement_at_the_latest(int? planned, int next, int expected)
    {
        var plan = new RolloutPlan { Status = new ModelDeploymentStatus(), RequeueAfter = planned is { } p ? TimeSpan.FromSeconds(p) : null };
        var state = new StableDriftStatus { Revision = "r", ObservedAt = T0 };

        var attached = StableDriftTracker.Attach(plan, state, TimeSpan.FromSeconds(next));

        Assert.Equal(TimeSpan.FromSeconds(expected), attached.RequeueAfter);
        Assert.Same(state, attached.Status.StableDrift);
    }
}
