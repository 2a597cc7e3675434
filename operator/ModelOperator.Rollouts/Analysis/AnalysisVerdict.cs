namespace ModelOperator.Rollouts.Analysis;

/// <summary>
/// The combined verdict of one analysis run: the worst metric verdict wins, and <see cref="Deciding"/> is the first
/// metric (in evaluation order: health, error rate, p99 latency, prediction drift, feature drift, then the user metrics
/// in spec order) with that verdict.
/// </summary>
/// <param name="Verdict">The overall verdict.</param>
/// <param name="Deciding">The metric that decided, with its numbers.</param>
/// <param name="Metrics">Every metric verdict, in evaluation order.</param>
public sealed record AnalysisVerdict(Verdict Verdict, MetricVerdict Deciding, IReadOnlyList<MetricVerdict> Metrics)
{
    /// <summary>True when a health signal failed (crash loop, model load failure, not ready past the deadline).</summary>
    public bool IsImmediateFailure => Verdict == Verdict.Failed && Deciding.Immediate;
}
