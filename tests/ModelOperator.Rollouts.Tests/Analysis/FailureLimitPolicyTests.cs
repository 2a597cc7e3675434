using ModelOperator.Api;
using ModelOperator.Rollouts.Analysis;

namespace ModelOperator.Rollouts.Tests.Analysis;

public sealed class FailureLimitPolicyTests
{
    private static AnalysisVerdict Run(Verdict verdict, bool immediate = false) =>
        AnalysisEvaluator.Combine([new MetricVerdict("errorRate", verdict, verdict == Verdict.Failed ? Reasons.HighErrorRate : "R", 0.1, 0.01, null, 100, "msg", immediate)]);

    public static TheoryData<int, Verdict[], AnalysisOutcome[], int, int> Sequences => new()
    {
        // failure limit, verdicts of consecutive runs, outcome of each run, final failures, final errors
        { 0, [Verdict.Failed], [AnalysisOutcome.RollBack], 1, 0 },
        { 0, [Verdict.Successful], [AnalysisOutcome.Passed], 0, 0 },
        { 0, [Verdict.Inconclusive, Verdict.Inconclusive], [AnalysisOutcome.Waiting, AnalysisOutcome.Waiting], 0, 0 },
        { 2, [Verdict.Failed, Verdict.Failed, Verdict.Failed], [AnalysisOutcome.Tolerated, AnalysisOutcome.Tolerated, AnalysisOutcome.RollBack], 3, 0 },
        { 2, [Verdict.Failed, Verdict.Successful, Verdict.Failed], [AnalysisOutcome.Tolerated, AnalysisOutcome.Passed, AnalysisOutcome.Tolerated], 1, 0 },
        { 1, [Verdict.Failed, Verdict.Inconclusive, Verdict.Failed], [AnalysisOutcome.Tolerated, AnalysisOutcome.Waiting, AnalysisOutcome.RollBack], 2, 0 },
        { 2, [Verdict.Error, Verdict.Error, Verdict.Error], [AnalysisOutcome.Tolerated, AnalysisOutcome.Tolerated, AnalysisOutcome.RollBack], 0, 3 },
        { 1, [Verdict.Error, Verdict.Failed, Verdict.Error], [AnalysisOutcome.Tolerated, AnalysisOutcome.Tolerated, AnalysisOutcome.RollBack], 1, 2 },
        { 0, [Verdict.Error], [AnalysisOutcome.RollBack], 0, 1 },
        { 3, [Verdict.Error, Verdict.Successful], [AnalysisOutcome.Tolerated, AnalysisOutcome.Passed], 0, 0 },
    };

    [Theory]
    [MemberData(nameof(Sequences))]
    public void Consecutive_failures_and_errors_beyond_the_limit_roll_back(
        int limit, Verdict[] verdicts, AnalysisOutcome[] outcomes, int failures, int errors)
    {
        var tally = FailureTally.Zero;
        var seen = new List<AnalysisOutcome>();
        foreach (var verdict in verdicts)
        {
            var decision = FailureLimitPolicy.Decide(Run(verdict), tally, limit);
            seen.Add(decision.Outcome);
            tally = decision.Tally;
        }

        Assert.Equal(outcomes, seen);
        Assert.Equal(new FailureTally(failures, errors), tally);
    }

    [Fact]
    public void A_health_failure_rolls_back_regardless_of_the_limit()
    {
        var decision = FailureLimitPolicy.Decide(Run(Verdict.Failed, immediate: true), FailureTally.Zero, 10);

        Assert.Equal(AnalysisOutcome.RollBack, decision.Outcome);
        Assert.Equal(FailureTally.Zero, decision.Tally);
    }

    [Fact]
    public void Reasons_and_messages_say_which_failure_it_was()
    {
        var failed = FailureLimitPolicy.Decide(Run(Verdict.Failed), new FailureTally(1, 0), 2);
        var errored = FailureLimitPolicy.Decide(Run(Verdict.Error), new FailureTally(0, 2), 2);

        Assert.Equal(Reasons.HighErrorRate, failed.Reason);
        Assert.Equal("msg (failure 2 of 2 tolerated)", failed.Message);
        Assert.Equal(Reasons.AnalysisFailed, errored.Reason);
        Assert.Equal("msg (3 errors in a row, limit 2)", errored.Message);
    }

    [Fact]
    public void A_negative_limit_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FailureLimitPolicy.Decide(Run(Verdict.Failed), FailureTally.Zero, -1));
    }
}
