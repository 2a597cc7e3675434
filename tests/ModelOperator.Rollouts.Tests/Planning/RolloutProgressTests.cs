using ModelOperator.Rollouts.Autoscaling;
using ModelOperator.Rollouts.Planning;

namespace ModelOperator.Rollouts.Tests.Planning;

public sealed class RolloutProgressTests
{
    private static readonly DateTimeOffset Time = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_progress_survives_its_annotation()
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

        var read = RolloutProgress.Read(new Dictionary<string, string> { [RolloutProgress.AnnotationKey] = progress.Write() });

        Assert.Equal(progress.Write(), read.Write());
        Assert.Equal(progress.ScaleMemory, read.ScaleMemory);
        Assert.Equal(2, read.AnalysisFailures);
    }

    [Fact]
    public void Empty_progress_writes_an_empty_object()
    {
        Assert.Equal("{}", RolloutProgress.Empty.Write());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    public void Missing_or_unreadable_progress_reads_as_empty(string? value)
    {
        var annotations = value is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [RolloutProgress.AnnotationKey] = value };

        Assert.Equal(RolloutProgress.Empty.Write(), RolloutProgress.Read(annotations).Write());
        Assert.Equal(RolloutProgress.Empty.Write(), RolloutProgress.Read(null).Write());
    }
}
