using System.Globalization;
using ModelOperator.Api;

namespace ModelOperator.Rollouts.Analysis;

/// <summary>
/// Turns measurements and pod health into verdicts (compare Argo Rollouts' <c>analysis</c> evaluation). Pure: the
/// same inputs always give the same verdicts.
/// </summary>
public static class AnalysisEvaluator
{
    /// <summary>
    /// Judges one metric against its threshold.
    /// </summary>
    /// <remarks>
    /// <code>
    /// threshold absent                      → null (the metric is not checked)
    /// measurement absent                    → Inconclusive  (no data)
    /// measurement.Error set                 → Error         (the provider's message)
    /// value NaN                             → Inconclusive  (no data in the window)
    /// value &lt; 0, or an error rate &gt; 1      → Error         (impossible value)
    /// samples &lt; minSamples                  → Inconclusive  (too few samples)
    /// value &gt; threshold (+∞ included)       → Failed        (the metric's reason, e.g. HighErrorRate)
    /// otherwise                             → Successful    (value ≤ threshold: the maximum is inclusive)
    /// </code>
    /// Examples with threshold 0.01 and minSamples 50: 0.02 over 400 → Failed; 0.01 over 400 → Successful;
    /// 0.5 over 10 → Inconclusive (a high rate over few requests is not yet evidence); NaN over 0 → Inconclusive.
    /// </remarks>
    public static MetricVerdict? EvaluateMetric(string metric, Measurement? measurement, double? threshold, long minSamples)
    {
        ArgumentException.ThrowIfNullOrEmpty(metric);
        if (threshold is not { } limit)
        {
            return null;
        }

        var failReason = FailReason(metric);
        if (measurement is null)
        {
            return new MetricVerdict(metric, Verdict.Inconclusive, Reasons.AnalysisInconclusive, null, limit, null, null,
                $"{metric}: no measurement was taken");
        }

        var window = measurement.Window;
        if (measurement.Error is { } error)
        {
            return new MetricVerdict(metric, Verdict.Error, Reasons.AnalysisFailed, null, limit, window, null,
                $"{metric}: the metric provider failed: {error}");
        }

        var value = measurement.Value;
        var samples = measurement.Samples;
        if (double.IsNaN(value))
        {
            return new MetricVerdict(metric, Verdict.Inconclusive, Reasons.AnalysisInconclusive, null, limit, window, samples,
                $"{metric}: no data in the last {GoDuration.Format(window)}");
        }

        if (value < 0 || ((metric is MetricNames.ErrorRate or MetricNames.ShadowDisagreement || IsShare(metric)) && value > 1))
        {
            return new MetricVerdict(metric, Verdict.Error, Reasons.AnalysisFailed, value, limit, window, samples,
                $"{metric}: the metric provider returned an impossible value {Show(metric, value)}");
        }

        if (samples < minSamples)
        {
            return new MetricVerdict(metric, Verdict.Inconclusive, Reasons.AnalysisInconclusive, value, limit, window, samples,
                $"{metric}: only {samples} of the {minSamples} samples needed in the last {GoDuration.Format(window)}");
        }

        return value > limit
            ? new MetricVerdict(metric, Verdict.Failed, failReason, value, limit, window, samples,
                $"{metric} {Show(metric, value)} is above the maximum {Show(metric, limit)} over {samples} samples in {GoDuration.Format(window)}")
            : new MetricVerdict(metric, Verdict.Successful, Reasons.AnalysisPassed, value, limit, window, samples,
                $"{metric} {Show(metric, value)} is within the maximum {Show(metric, limit)} over {samples} samples in {GoDuration.Format(window)}");
    }

    /// <summary>
    /// Judges a revision's pods. Health failures are <see cref="MetricVerdict.Immediate"/>: they roll back at once.
    /// </summary>
    /// <remarks>
    /// In this order, every applicable verdict is returned:
    /// <code>
    /// model server reason is a failure word      → Failed, immediate: ChecksumMismatch for that word, else ModelLoadFailed
    /// a container in CrashLoopBackOff            → Failed, immediate: CrashLoop
    /// restarts &gt; maxRestarts                     → Failed, immediate: CrashLoop
    /// ready &lt; desired                            → Inconclusive: NotReady (the caller's progress deadline bounds the wait)
    /// otherwise                                  → Successful: podsReady
    /// </code>
    /// <c>Loading</c> (or no reason) is not a failure. Examples: ready 2 of 3 → Inconclusive; reason ChecksumMismatch
    /// → Failed (ChecksumMismatch); 5 restarts with maxRestarts 3 → Failed (CrashLoop); 0 desired → Successful.
    /// </remarks>
    public static IReadOnlyList<MetricVerdict> EvaluateHealth(PodHealth health, int desiredReplicas, int maxRestarts)
    {
        ArgumentNullException.ThrowIfNull(health);
        var verdicts = new List<MetricVerdict>();
        if (health is { ModelLoadFailed: true, ModelReason: { } word })
        {
            var reason = word == Reasons.ChecksumMismatch ? Reasons.ChecksumMismatch : Reasons.ModelLoadFailed;
            var detail = string.IsNullOrEmpty(health.ModelMessage) ? string.Empty : $": {health.ModelMessage}";
            verdicts.Add(new MetricVerdict(MetricNames.ModelLoad, Verdict.Failed, reason, null, null, null, null,
                $"the model server could not load the model ({word}){detail}", Immediate: true));
        }

        if (health.CrashLooping)
        {
            verdicts.Add(new MetricVerdict(MetricNames.CrashLoop, Verdict.Failed, Reasons.CrashLoop, health.Restarts, null, null, null,
                $"a model server container is in CrashLoopBackOff ({health.Restarts} restarts)", Immediate: true));
        }
        else if (health.Restarts > maxRestarts)
        {
            verdicts.Add(new MetricVerdict(MetricNames.Restarts, Verdict.Failed, Reasons.CrashLoop, health.Restarts, maxRestarts, null, null,
                $"model server containers restarted {health.Restarts} times, more than the {maxRestarts} tolerated", Immediate: true));
        }

        verdicts.Add(health.Ready < desiredReplicas
            ? new MetricVerdict(MetricNames.PodsReady, Verdict.Inconclusive, Reasons.NotReady, health.Ready, desiredReplicas, null, null,
                $"{health.Ready} of {desiredReplicas} pods ready")
            : new MetricVerdict(MetricNames.PodsReady, Verdict.Successful, Reasons.Healthy, health.Ready, desiredReplicas, null, null,
                $"{health.Ready} of {desiredReplicas} pods ready"));
        return verdicts;
    }

    /// <summary>
    /// One analysis run over a revision: its health, then every metric with a threshold, combined by <see cref="Combine"/>.
    /// A result measured for another revision counts as no measurement.
    /// </summary>
    public static AnalysisVerdict Evaluate(string revision, AnalysisResult? result, PodHealth health, int desiredReplicas, AnalysisCriteria criteria)
    {
        ArgumentNullException.ThrowIfNull(criteria);
        var measured = result is not null && string.Equals(result.Revision, revision, StringComparison.Ordinal) ? result : null;
        var verdicts = new List<MetricVerdict>(EvaluateHealth(health, desiredReplicas, criteria.MaxRestarts));
        AddIfChecked(verdicts, EvaluateMetric(MetricNames.ShadowDisagreement, measured?.ShadowDisagreement, criteria.MaxShadowDisagreement, criteria.MinSamples));
        AddIfChecked(verdicts, EvaluateMetric(MetricNames.ErrorRate, measured?.ErrorRate, criteria.MaxErrorRate, criteria.MinSamples));
        AddIfChecked(verdicts, EvaluateMetric(MetricNames.P99Latency, measured?.P99Latency, criteria.MaxP99Latency, criteria.MinSamples));
        AddIfChecked(verdicts, Explained(EvaluateMetric(MetricNames.PredictionDrift, measured?.PredictionDrift, criteria.MaxPredictionDrift, criteria.MinSamples), measured?.PredictionDrift));
        AddIfChecked(verdicts, Explained(EvaluateMetric(MetricNames.FeatureDrift, measured?.FeatureDrift, criteria.MaxFeatureDrift, criteria.MinSamples), measured?.FeatureDrift));
        AddIfChecked(verdicts, Explained(EvaluateMetric(MetricNames.UnseenCategoryShare, measured?.UnseenCategoryShare, criteria.MaxUnseenCategoryShare, criteria.MinSamples), measured?.UnseenCategoryShare));
        AddIfChecked(verdicts, Explained(EvaluateMetric(MetricNames.NonFiniteShare, measured?.NonFiniteShare, criteria.MaxNonFiniteShare, criteria.MinSamples), measured?.NonFiniteShare));
        AddIfChecked(verdicts, Explained(EvaluateMetric(MetricNames.OutOfRangeShare, measured?.OutOfRangeShare, criteria.MaxOutOfRangeShare, criteria.MinSamples), measured?.OutOfRangeShare));
        foreach (var metric in criteria.Metrics)
        {
            verdicts.Add(UserMetricEvaluator.Evaluate(metric, measured?.Metrics?.GetValueOrDefault(metric.Name!)));
        }

        return Combine(verdicts);
    }

    /// <summary>
    /// The worst verdict wins (<c>Failed &gt; Error &gt; Inconclusive &gt; Successful</c>); the deciding metric is the first
    /// with that verdict. Examples: [Successful, Inconclusive, Failed] → Failed; [Error, Inconclusive] → Error;
    /// [Successful, Successful] → Successful, decided by the first.
    /// </summary>
    /// <exception cref="ArgumentException">No verdicts: there is nothing to combine.</exception>
    public static AnalysisVerdict Combine(IReadOnlyList<MetricVerdict> verdicts)
    {
        ArgumentNullException.ThrowIfNull(verdicts);
        if (verdicts.Count == 0)
        {
            throw new ArgumentException("At least one metric verdict is needed to combine.", nameof(verdicts));
        }

        var deciding = verdicts[0];
        foreach (var verdict in verdicts)
        {
            if (verdict.Verdict > deciding.Verdict)
            {
                deciding = verdict;
            }
        }

        return new AnalysisVerdict(deciding.Verdict, deciding, verdicts);
    }

    /// <summary>
    /// Attaches the measurement's causes to a drift or data-quality verdict and, when it failed, names them in its message
    /// (see <see cref="DriftCauses"/> for the wording and bounds). Example: <c>featureDrift 2.9 is above the maximum 0.25 over
    /// 400 samples in 1m, caused by contract_months (PSI 2.9 over 400 values: unseen 31 % (reference 0 %); …; since …)</c>.
    /// </summary>
    private static MetricVerdict? Explained(MetricVerdict? verdict, Measurement? measurement)
    {
        if (verdict is null || measurement?.Causes is not { Count: > 0 } causes || verdict.Verdict == Verdict.Error)
        {
            return verdict;
        }

        var explained = verdict with { Causes = causes };
        var scoreName = IsShare(verdict.Metric) ? "share" : "PSI";
        return verdict.Verdict == Verdict.Failed
            ? explained with { Message = $"{verdict.Message}, caused by {DriftCauses.Describe(causes, scoreName)}" }
            : explained;
    }

    private static bool IsShare(string metric) => metric is MetricNames.UnseenCategoryShare or MetricNames.NonFiniteShare or MetricNames.OutOfRangeShare;

    private static void AddIfChecked(List<MetricVerdict> verdicts, MetricVerdict? verdict)
    {
        if (verdict is not null)
        {
            verdicts.Add(verdict);
        }
    }

    private static string FailReason(string metric) => metric switch
    {
        MetricNames.ErrorRate => Reasons.HighErrorRate,
        MetricNames.P99Latency => Reasons.HighLatency,
        MetricNames.PredictionDrift => Reasons.PredictionDrift,
        MetricNames.FeatureDrift => Reasons.FeatureDrift,
        MetricNames.UnseenCategoryShare or MetricNames.NonFiniteShare or MetricNames.OutOfRangeShare => Reasons.DataQuality,
        MetricNames.ShadowDisagreement => Reasons.ShadowDisagreement,
        _ => Reasons.AnalysisFailed,
    };

    private static string Show(string metric, double value) => metric switch
    {
        _ when double.IsPositiveInfinity(value) => "+Inf",
        MetricNames.ErrorRate or MetricNames.ShadowDisagreement or MetricNames.UnseenCategoryShare or MetricNames.NonFiniteShare or MetricNames.OutOfRangeShare
            => value.ToString("0.####%", CultureInfo.InvariantCulture),
        MetricNames.P99Latency => GoDuration.Format(TimeSpan.FromSeconds(Math.Round(value, 4))),
        _ => value.ToString("0.####", CultureInfo.InvariantCulture),
    };
}
