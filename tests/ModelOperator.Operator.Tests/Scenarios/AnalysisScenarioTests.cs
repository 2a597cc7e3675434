using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Operator.Tests.Scenarios;

/// <summary>Given / When / Then: each analysis threshold, low traffic, a bad stable and the bake window.</summary>
public sealed class AnalysisScenarioTests
{
    private static ModelDeployment WithAnalysis(Func<AnalysisSpec, AnalysisSpec> change, string? progressDeadline = null, string bakeTime = "0s")
    {
        var md = ScenarioTests.Md();
        var rollout = md.Spec!.Rollout!;
        return md with
        {
            Spec = md.Spec with
            {
                Model = md.Spec.Model! with { Profile = new ModelProfile { Uri = "s3://models/churn/profile.json", Sha256 = new string('c', 64) } },
                Rollout = rollout with { Analysis = change(rollout.Analysis!), ProgressDeadline = progressDeadline, BakeTime = bakeTime },
            },
        };
    }

    private static async Task<(ModelDeployment Before, ModelDeployment After)> RollOutBadVersionAsync(ModelDeployment md, VersionBehaviour bad)
    {
        await using var bed = await OperatorTestBed.StartAsync();
        var before = await ScenarioTests.HealthyAsync(bed, md);
        bed.Behave("2", bad);
        await ScenarioTests.NewVersionAsync(bed, "2");
        var after = await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.RolledBack);
        return (before, after);
    }

    [Fact]
    public async Task Canary_with_a_high_p99_latency_is_rolled_back()
    {
        // Given p99 must stay under 200ms, when version 2 answers in 800ms
        var (before, md) = await RollOutBadVersionAsync(WithAnalysis(a => a with { MaxP99Latency = "200ms" }), new VersionBehaviour(P99: 0.8));

        // Then it is rolled back for latency, with the numbers in the decision
        Assert.Equal(Reasons.HighLatency, md.Status!.LastDecision!.Reason);
        Assert.Equal(0.8, md.Status.LastDecision.ObservedValue);
        Assert.Equal(before.Status!.StableRevision!.Name, md.Status.StableRevision!.Name);
        Assert.Contains(md.Status.QuarantinedRevisions!, q => q.ModelVersion == "2" && q.Reason == Reasons.HighLatency);
    }

    [Fact]
    public async Task Canary_whose_predictions_drift_from_the_stable_is_rolled_back()
    {
        var (_, md) = await RollOutBadVersionAsync(WithAnalysis(a => a with { MaxPredictionDrift = 0.2 }), new VersionBehaviour(PredictionDrift: 0.45));

        Assert.Equal(Reasons.PredictionDrift, md.Status!.LastDecision!.Reason);
        Assert.Equal(0.45, md.Status.LastDecision.ObservedValue);
        Assert.Equal("1", md.Status.StableRevision!.ModelVersion);
    }

    [Fact]
    public async Task Canary_whose_features_drift_from_the_reference_profile_is_rolled_back()
    {
        var (_, md) = await RollOutBadVersionAsync(WithAnalysis(a => a with { MaxFeatureDrift = 0.25 }), new VersionBehaviour(FeatureDrift: 0.6));

        Assert.Equal(Reasons.FeatureDrift, md.Status!.LastDecision!.Reason);
        Assert.Equal(0.6, md.Status.LastDecision.ObservedValue);
        Assert.Equal("1", md.Status.StableRevision!.ModelVersion);
    }

    [Fact]
    public async Task Low_traffic_stays_inconclusive_and_rolls_back_at_the_progress_deadline()
    {
        // Given analysis needs 100 requests and the step must finish within 3 minutes
        await using var bed = await OperatorTestBed.StartAsync();
        await ScenarioTests.HealthyAsync(bed, WithAnalysis(a => a, progressDeadline: "3m"));
        bed.Behave("2", new VersionBehaviour(Samples: 7));

        // When version 2 only ever sees 7 requests per window
        await ScenarioTests.NewVersionAsync(bed, "2");
        var waiting = await bed.RunUntilAsync("churn", m =>
            m.Status?.Conditions?.Any(c => c.Type == Conditions.Progressing && c.Reason == Reasons.AnalysisInconclusive) == true);
        var waitingSince = bed.Clock.GetUtcNow();

        // Then it waits (not a failure) while the deadline runs, and rolls back once it passed
        Assert.NotEqual(Phases.RolledBack, waiting.Status!.Phase);
        Assert.NotNull(waiting.Status.CanaryRevision);
        var md = await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.RolledBack);
        Assert.Equal(Reasons.ProgressDeadlineExceeded, md.Status!.LastDecision!.Reason);
        Assert.True(bed.Clock.GetUtcNow() - waitingSince <= TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(10));
        var canaryStart = waiting.Status.CanaryStartTime!.Value;
        Assert.True(md.Status.LastDecision.Time - canaryStart >= TimeSpan.FromMinutes(3), $"rolled back {md.Status.LastDecision.Time - canaryStart} after the canary started");
        Assert.Equal("1", md.Status.StableRevision!.ModelVersion);
    }

    [Fact]
    public async Task A_bad_stable_with_a_good_canary_still_progresses()
    {
        // Given version 1 crash-loops from the start (it is stable only because it came first)
        await using var bed = await OperatorTestBed.StartAsync();
        bed.Behave("1", new VersionBehaviour(CrashLoops: true, ErrorRate: 0.5));
        await bed.CreateAsync(ScenarioTests.Md());
        var bad = await bed.RunUntilAsync("churn", m => m.Status?.StableRevision is not null);

        // When a good version 2 is rolled out
        await ScenarioTests.NewVersionAsync(bed, "2");
        var md = await bed.RunUntilAsync("churn", m => m.Status?.StableRevision?.ModelVersion == "2");

        // Then it goes through its steps and is promoted, and the bad revision is gone
        Assert.Equal("1", bad.Status!.StableRevision!.ModelVersion);
        Assert.Equal(DecisionActions.Promote, md.Status!.LastDecision!.Action);
        Assert.Null(md.Status.CanaryRevision);
        var healthy = await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.Healthy);
        Assert.Equal("2", healthy.Status!.StableRevision!.ModelVersion);
    }

    [Fact]
    public async Task A_failure_during_the_bake_window_rolls_back_to_the_warm_previous_revision()
    {
        // Given a 5 minute bake after promotion
        await using var bed = await OperatorTestBed.StartAsync();
        var first = await ScenarioTests.HealthyAsync(bed, WithAnalysis(a => a, bakeTime: "5m"));
        await ScenarioTests.NewVersionAsync(bed, "2");
        var promoted = await bed.RunUntilAsync("churn", m => m.Status?.StableRevision?.ModelVersion == "2");
        Assert.NotNull(promoted.Status!.BakeUntil);
        var previous = await bed.Client.Resource<Deployment>().GetAsync(OperatorTestBed.Key(first.Status!.StableRevision!.Name!));
        Assert.True(previous.Spec!.Replicas > 0, "the previous revision stays warm while baking");

        // When version 2 starts failing under full traffic inside the window
        bed.Behave("2", new VersionBehaviour(ErrorRate: 0.4));
        var md = await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.RolledBack);

        // Then the previous revision serves again and version 2 is quarantined
        Assert.True(bed.Clock.GetUtcNow() <= promoted.Status.BakeUntil, "rolled back inside the bake window");
        Assert.Equal(Reasons.BakeFailed, md.Status!.LastDecision!.Reason);
        Assert.Equal(first.Status.StableRevision.Name, md.Status.StableRevision!.Name);
        Assert.Contains(md.Status.QuarantinedRevisions!, q => q.ModelVersion == "2");
    }
}
