using ModelOperator.Rollouts.Analysis;

namespace ModelOperator.Operator.Analysis;

/// <summary>
/// The feature windows of a revision through PromQL, pooled over its pods as the direct provider pools them: bins summed
/// per (feature, bin), data-quality counts summed per feature, the binned mean weighted by each pod's values, the earliest
/// "drifting since". Six instant queries; the answers go through the same <see cref="SeriesWindowReader"/> as a scrape.
/// </summary>
public sealed partial class PrometheusAnalysisProvider
{
    private async Task<(IReadOnlyDictionary<string, SeriesWindow> Features, string? Error)> FeatureWindowsAsync(
        Uri baseUri, string selector, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sel = $"{selector},{ModelServerMetricNames.SeriesLabel}=\"{ModelServerMetricNames.FeatureSeries}\"";
        const string name = ModelServerMetricNames.NameLabel;
        const string bin = ModelServerMetricNames.BinLabel;
        const string range = ModelServerMetricNames.RangeLabel;
        var counts = string.Join('|', ModelServerMetricNames.DriftWindowNaN, ModelServerMetricNames.DriftWindowInfinite,
            ModelServerMetricNames.DriftWindowOutOfRange, ModelServerMetricNames.DriftWindowUnseenCategory, ModelServerMetricNames.DriftWindowSamples);
        var samples = $"{ModelServerMetricNames.DriftWindowSamples}{{{sel}}}";
        (string Query, string? Family)[] queries =
        [
            ($"sum by ({name}, {bin}, {range}) ({ModelServerMetricNames.DriftWindowBinValues}{{{sel}}})", ModelServerMetricNames.DriftWindowBinValues),
            ($"max by ({name}, {bin}, {range}) ({ModelServerMetricNames.DriftReferenceBinProportion}{{{sel}}})", ModelServerMetricNames.DriftReferenceBinProportion),
            ($"sum by (__name__, {name}) ({{__name__=~\"{counts}\",{sel}}})", null),
            ($"sum by ({name}) ({ModelServerMetricNames.DriftWindowBinnedMean}{{{sel}}} * {samples}) / sum by ({name}) ({samples})", ModelServerMetricNames.DriftWindowBinnedMean),
            ($"max by ({name}) ({ModelServerMetricNames.DriftReferenceBinnedMean}{{{sel}}})", ModelServerMetricNames.DriftReferenceBinnedMean),
            ($"min by ({name}) ({ModelServerMetricNames.DriftSeriesDetectedTimestamp}{{{sel}}})", ModelServerMetricNames.DriftSeriesDetectedTimestamp),
        ];
        var reader = new SeriesWindowReader();
        foreach (var (query, family) in queries)
        {
            var (vector, error) = await VectorAsync(baseUri, query, now, cancellationToken).ConfigureAwait(false);
            if (error is not null)
            {
                return (new Dictionary<string, SeriesWindow>(), error);
            }

            foreach (var sample in vector)
            {
                // An aggregation drops the metric name; the query says which family its answer is.
                reader.Add(family is null ? sample : sample with { Name = family });
            }
        }

        return (reader.Features(), null);
    }
}
