namespace ModelOperator.Rollouts.Analysis;

/// <summary>
/// The verdict on one metric with its evidence, as it goes into <c>status.lastDecision</c> and Events.
/// </summary>
/// <param name="Metric">A <see cref="MetricNames"/> value.</param>
/// <param name="Verdict">The verdict.</param>
/// <param name="Reason">The CamelCase reason (<c>Reasons</c>), e.g. <c>HighErrorRate</c>, <c>AnalysisInconclusive</c>.</param>
/// <param name="Value">The observed value, when there is one.</param>
/// <param name="Threshold">The threshold compared with, when there is one.</param>
/// <param name="Window">The measurement window, when there is one.</param>
/// <param name="Samples">The samples behind the value, when there are any.</param>
/// <param name="Message">A sentence for people, with the numbers.</param>
/// <param name="Immediate">A health failure: it rolls back at once, regardless of the failure limit.</param>
public sealed record MetricVerdict(
    string Metric,
    Verdict Verdict,
    string Reason,
    double? Value,
    double? Threshold,
    TimeSpan? Window,
    long? Samples,
    string Message,
    bool Immediate = false)
{
    /// <summary>For drift and data-quality metrics: the features or outputs named as the causes (see <see cref="DriftCauses"/>).</summary>
    public IReadOnlyList<DriftCause>? Causes { get; init; }
}
