using ModelOperator.Rollouts.Planning;

namespace ModelOperator.Rollouts.Tests.Planning;

public sealed class BakeInconclusiveTests
{
    private static readonly DateTimeOffset T = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, bool, RolloutProgress, bool> Cases => new()
    {
        // case, spec has an analysis, progress at the end of the bake, ends inconclusive
        { "no analysis: health alone guards", false, RolloutProgress.Empty, false },
        { "no run at all", true, RolloutProgress.Empty, true },
        { "only inconclusive runs", true, new RolloutProgress { LastAnalysisTime = T, LastAnalysisInconclusive = true }, true },
        { "a tolerated failure, never a pass", true, new RolloutProgress { LastAnalysisTime = T, AnalysisFailures = 1 }, true },
        { "errors within the limit, never a pass", true, new RolloutProgress { LastAnalysisTime = T, AnalysisErrors = 2 }, true },
        { "a pass, then inconclusive", true, new RolloutProgress { LastAnalysisTime = T, LastPassedAnalysisTime = T.AddSeconds(-30), LastAnalysisInconclusive = true }, false },
        { "the last run passed", true, new RolloutProgress { LastAnalysisTime = T, LastPassedAnalysisTime = T }, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Applies_only_when_an_analysis_was_asked_for_and_no_run_passed(string name, bool hasAnalysis, RolloutProgress progress, bool expected) =>
        Assert.True(expected == BakeInconclusive.Applies(hasAnalysis, progress), name);

    [Fact]
    public void The_message_names_both_revisions_the_bake_time_and_min_samples()
    {
        var message = BakeInconclusive.Message("churn-2", "churn-1", TimeSpan.FromMinutes(10), 50);

        Assert.StartsWith("churn-2 baked for 10m without evidence", message, StringComparison.Ordinal);
        Assert.Contains("fewer than 50 samples", message, StringComparison.Ordinal);
        Assert.Contains("churn-1 is scaled down", message, StringComparison.Ordinal);
    }
}
