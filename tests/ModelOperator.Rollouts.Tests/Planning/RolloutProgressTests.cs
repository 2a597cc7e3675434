using ModelOperator.Api;
using ModelOperator.Rollouts.Autoscaling;
using ModelOperator.Rollouts.Planning;

namespace ModelOperator.Rollouts.Tests.Planning;

public sealed class RolloutProgressTests
{
    private static readonly DateTimeOffset Time = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_progress_survives_its_round_trip_through_status()
    {
        var progress = new RolloutProgress
        {
            StepStartTime = Time,
            AnalysisFailures = 2,
            AnalysisErrors = 1,
            LastAnalysisTime = Time.AddSeconds(30),
            LastPassedAnalysisTime = Time,
            LastAnalysisInconclusive = true,
            ManualPauseStartTime = Time.AddMinutes(1),
            PauseStepAcknowledged = true,
            ScaleMemory = [new RecommendationSample(Time, 8), new RecommendationSample(Time.AddMinutes(1), 3)],
        };

        var status = progress.ToStatus();
        var read = RolloutProgress.Read(status);

        Assert.Equal(progress with { ScaleMemory = null }, read with { ScaleMemory = null });
        Assert.Equal(progress.ScaleMemory, read.ScaleMemory);
        Assert.Equal(2, status!.AnalysisFailures);
        Assert.Equal(8, status.ScaleMemory![0].Replicas);
    }

    [Fact]
    public void Empty_progress_leaves_status_progress_out()
    {
        Assert.Null(RolloutProgress.Empty.ToStatus());
        Assert.Equal(RolloutProgress.Empty, RolloutProgress.Read(null));
    }

    [Fact]
    public void Incomplete_scale_memory_entries_are_skipped_when_read()
    {
        var read = RolloutProgress.Read(new RolloutProgressStatus
        {
            ScaleMemory = [new ScaleRecommendation { Time = Time, Replicas = 4 }, new ScaleRecommendation { Time = null, Replicas = 9 }],
        });

        Assert.Equal([new RecommendationSample(Time, 4)], read.ScaleMemory);
    }
}
