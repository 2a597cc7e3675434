using ModelOperator.Api;

namespace ModelOperator.Rollouts.Analysis;

/// <summary>
/// Applies <c>failureLimit</c>: how many failed analysis runs in a row are tolerated before rolling back.
/// </summary>
public static class FailureLimitPolicy
{
    /// <summary>
    /// Decides what one run means, given the streaks so far.
    /// </summary>
    /// <remarks>
    /// <code>
    /// Failed, immediate (health)  → RollBack at once (the limit does not apply)
    /// Failed                      → failures + 1;  failures &gt; limit ? RollBack (the metric's reason) : Tolerated
    /// Error                       → errors + 1;    errors &gt; limit   ? RollBack (AnalysisFailed)     : Tolerated
    /// Inconclusive                → Waiting; both streaks unchanged (it is not evidence either way)
    /// Successful                  → Passed; both streaks reset to 0
    /// </code>
    /// Errors keep their own streak, so a flaky provider cannot add to the failures, but a provider that cannot measure
    /// for more than <c>limit</c> runs in a row rolls back like a failure (the canary cannot be proven safe).
    /// Examples with limit 0: one Failed → RollBack. With limit 2: Failed, Failed → Tolerated twice, a third → RollBack;
    /// Failed, Successful, Failed → Tolerated (the success reset the streak); Error ×3 → RollBack with AnalysisFailed.
    /// </remarks>
    public static AnalysisDecision Decide(AnalysisVerdict verdict, FailureTally tally, int failureLimit)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        ArgumentOutOfRangeException.ThrowIfNegative(failureLimit);
        var deciding = verdict.Deciding;
        switch (verdict.Verdict)
        {
            case Verdict.Failed when deciding.Immediate:
                return new AnalysisDecision(AnalysisOutcome.RollBack, tally, deciding.Reason, deciding.Message, verdict);
            case Verdict.Failed:
                var failures = tally with { Failures = tally.Failures + 1 };
                return failures.Failures > failureLimit
                    ? new AnalysisDecision(AnalysisOutcome.RollBack, failures, deciding.Reason,
                        $"{deciding.Message} (failure {failures.Failures}, limit {failureLimit})", verdict)
                    : new AnalysisDecision(AnalysisOutcome.Tolerated, failures, deciding.Reason,
                        $"{deciding.Message} (failure {failures.Failures} of {failureLimit} tolerated)", verdict);
            case Verdict.Error:
                var errors = tally with { Errors = tally.Errors + 1 };
                return errors.Errors > failureLimit
                    ? new AnalysisDecision(AnalysisOutcome.RollBack, errors, Reasons.AnalysisFailed,
                        $"{deciding.Message} ({errors.Errors} errors in a row, limit {failureLimit})", verdict)
                    : new AnalysisDecision(AnalysisOutcome.Tolerated, errors, Reasons.AnalysisFailed,
                        $"{deciding.Message} (error {errors.Errors} of {failureLimit} tolerated)", verdict);
            case Verdict.Inconclusive:
                return new AnalysisDecision(AnalysisOutcome.Waiting, tally, deciding.Reason, deciding.Message, verdict);
            default:
                return new AnalysisDecision(AnalysisOutcome.Passed, FailureTally.Zero, Reasons.AnalysisPassed, deciding.Message, verdict);
        }
    }
}
