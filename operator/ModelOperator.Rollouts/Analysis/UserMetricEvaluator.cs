using System.Globalization;
using ModelOperator.Api;

namespace ModelOperator.Rollouts.Analysis;

/// <summary>
/// Judges a user metric (<see cref="AnalysisMetric"/>, <c>spec.rollout.analysis.metrics</c>) against its min and max.
/// Pure, and strict about evidence: anything that is not a number measured over enough samples is never a pass.
/// </summary>
public static class UserMetricEvaluator
{
    /// <summary>
    /// One user metric's verdict, named after the metric.
    /// </summary>
    /// <remarks>
    /// <code>
    /// measurement absent                       → Inconclusive  (no measurement was taken)
    /// measurement.Error set                    → Error         (the source's message)
    /// measurement.Unavailable set              → Inconclusive  (why, e.g. a header's Secret is missing)
    /// value NaN (no data, empty vector, null)  → Inconclusive  (no data)
    /// minSamples set and samples &lt; minSamples → Inconclusive  (too few samples)
    /// value &lt; min                              → Failed        (MetricOutOfRange, threshold min)
    /// value &gt; max (+∞ included)                → Failed        (MetricOutOfRange, threshold max)
    /// otherwise                                → Successful    (min ≤ value ≤ max: both bounds inclusive)
    /// </code>
    /// Examples with min 0.95: 0.97 → Successful; 0.95 → Successful; 0.9 → Failed; NaN → Inconclusive. With max 0.01 and
    /// minSamples 100: 0.5 over 20 samples → Inconclusive; 0.02 over 400 → Failed.
    /// </remarks>
    public static MetricVerdict Evaluate(AnalysisMetric metric, Measurement? measurement)
    {
        ArgumentNullException.ThrowIfNull(metric);
        var name = metric.Name ?? throw new ArgumentException("A user metric needs a name.", nameof(metric));
        var shown = metric.Max ?? metric.Min;
        if (measurement is null)
        {
            return new MetricVerdict(name, Verdict.Inconclusive, Reasons.AnalysisInconclusive, null, shown, null, null, $"{name}: no measurement was taken");
        }

        var window = measurement.Window;
        if (measurement.Error is { } error)
        {
            return new MetricVerdict(name, Verdict.Error, Reasons.AnalysisFailed, null, shown, window, null, $"{name}: the metric source failed: {error}");
        }

        var value = measurement.Value;
        var samples = metric.MinSamples is null ? (long?)null : measurement.Samples;
        if (measurement.Unavailable is { } why)
        {
            return new MetricVerdict(name, Verdict.Inconclusive, Reasons.AnalysisInconclusive, null, shown, window, samples,
                $"{name}: not measured: {why}");
        }

        if (double.IsNaN(value))
        {
            return new MetricVerdict(name, Verdict.Inconclusive, Reasons.AnalysisInconclusive, null, shown, window, samples,
                $"{name}: no data in the last {GoDuration.Format(window)} (an empty answer is not a pass)");
        }

        if (metric.MinSamples is { } needed && measurement.Samples < needed)
        {
            return new MetricVerdict(name, Verdict.Inconclusive, Reasons.AnalysisInconclusive, value, shown, window, samples,
                $"{name}: only {measurement.Samples} of the {needed} samples needed in the last {GoDuration.Format(window)}");
        }

        var over = samples is { } n ? $" over {n} samples" : string.Empty;
        if (metric.Min is { } min && value < min)
        {
            return new MetricVerdict(name, Verdict.Failed, Reasons.MetricOutOfRange, value, min, window, samples,
                $"{name} {Show(value)} is below the minimum {Show(min)}{over} in {GoDuration.Format(window)}");
        }

        if (metric.Max is { } max && value > max)
        {
            return new MetricVerdict(name, Verdict.Failed, Reasons.MetricOutOfRange, value, max, window, samples,
                $"{name} {Show(value)} is above the maximum {Show(max)}{over} in {GoDuration.Format(window)}");
        }

        return new MetricVerdict(name, Verdict.Successful, Reasons.AnalysisPassed, value, shown, window, samples,
            $"{name} {Show(value)} is within {Range(metric)}{over} in {GoDuration.Format(window)}");
    }

    private static string Range(AnalysisMetric metric) => (metric.Min, metric.Max) switch
    {
        ({ } min, { } max) => $"[{Show(min)}, {Show(max)}]",
        ({ } min, null) => $"the minimum {Show(min)}",
        _ => $"the maximum {Show(metric.Max!.Value)}",
    };

    private static string Show(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : value.ToString("0.######", CultureInfo.InvariantCulture);
}
