namespace ModelOperator.Rollouts.Analysis;

/// <summary>A run's verdict after the failure limit: the outcome, the new tally, and the reason and message to record.</summary>
public sealed record AnalysisDecision(AnalysisOutcome Outcome, FailureTally Tally, string Reason, string Message, AnalysisVerdict Verdict);
