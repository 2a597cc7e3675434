using System.Globalization;
using ModelOperator.Rollouts.Analysis;

namespace ModelOperator.Operator.Analysis;

/// <summary>
/// Collects one model server's per-feature drift families (bins, reference proportions, data-quality counts, binned means,
/// since when) into <see cref="SeriesWindow"/>s, from a scrape or from PromQL answers that keep the <c>name</c>, <c>bin</c>
/// and <c>range</c> labels. Samples of other families, of outputs, or without a readable label are ignored: a scrape is
/// evidence, not a contract.
/// </summary>
public sealed class SeriesWindowReader
{
    private readonly Dictionary<string, Builder> _features = new(StringComparer.Ordinal);

    /// <summary>Takes <paramref name="sample"/> if it is a feature drift family; true when it was taken.</summary>
    public bool Add(MetricSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (!Families.Contains(sample.Name)
            || (sample.Labels.TryGetValue(ModelServerMetricNames.SeriesLabel, out var series) && series != ModelServerMetricNames.FeatureSeries)
            || sample.Label(ModelServerMetricNames.NameLabel) is not { Length: > 0 } name)
        {
            return false;
        }

        if (!_features.TryGetValue(name, out var b))
        {
            _features[name] = b = new Builder();
        }

        var v = sample.Value;
        switch (sample.Name)
        {
            case ModelServerMetricNames.DriftWindowBinValues when Bin(sample) is { } bin:
                b.Bins[bin] = (sample.Label(ModelServerMetricNames.RangeLabel), b.Bins.GetValueOrDefault(bin).Count + Finite(v), b.Bins.GetValueOrDefault(bin).Reference);
                break;
            case ModelServerMetricNames.DriftReferenceBinProportion when Bin(sample) is { } bin:
                var known = b.Bins.GetValueOrDefault(bin);
                b.Bins[bin] = (sample.Label(ModelServerMetricNames.RangeLabel), known.Count, Finite(v));
                break;
            case ModelServerMetricNames.DriftWindowNaN:
                b.NaN += Finite(v);
                break;
            case ModelServerMetricNames.DriftWindowInfinite:
                b.Infinite += Finite(v);
                break;
            case ModelServerMetricNames.DriftWindowOutOfRange:
                b.OutOfRange += Finite(v);
                break;
            case ModelServerMetricNames.DriftWindowUnseenCategory:
                b.Unseen += Finite(v);
                break;
            case ModelServerMetricNames.DriftWindowSamples:
                b.Samples += Finite(v);
                break;
            case ModelServerMetricNames.DriftWindowBinnedMean:
                b.Mean = v;
                break;
            case ModelServerMetricNames.DriftReferenceBinnedMean:
                b.ReferenceMean = v;
                break;
            case ModelServerMetricNames.DriftSeriesDetectedTimestamp when double.IsFinite(v) && v > 0:
                var since = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(v * 1000));
                b.Since = b.Since is { } earlier && earlier < since ? earlier : since;
                break;
        }

        return true;
    }

    /// <summary>The features read so far, by name.</summary>
    public IReadOnlyDictionary<string, SeriesWindow> Features() =>
        _features.ToDictionary(
            f => f.Key,
            f => new SeriesWindow
            {
                Name = f.Key,
                Bins = [.. f.Value.Bins.OrderBy(b => b.Key).Select(b => new SeriesBin(b.Key, b.Value.Range, b.Value.Count, b.Value.Reference))],
                NaN = f.Value.NaN,
                Infinite = f.Value.Infinite,
                OutOfRange = f.Value.OutOfRange,
                UnseenCategory = f.Value.Unseen,
                MeanTimesSamples = double.IsFinite(f.Value.Mean) ? f.Value.Mean * f.Value.Samples : 0,
                MeanWeight = double.IsFinite(f.Value.Mean) ? f.Value.Samples : 0,
                ReferenceMean = f.Value.ReferenceMean,
                DriftingSince = f.Value.Since,
            },
            StringComparer.Ordinal);

    private static readonly HashSet<string> Families = new(StringComparer.Ordinal)
    {
        ModelServerMetricNames.DriftWindowBinValues, ModelServerMetricNames.DriftReferenceBinProportion,
        ModelServerMetricNames.DriftWindowNaN, ModelServerMetricNames.DriftWindowInfinite, ModelServerMetricNames.DriftWindowOutOfRange,
        ModelServerMetricNames.DriftWindowUnseenCategory, ModelServerMetricNames.DriftWindowSamples, ModelServerMetricNames.DriftWindowBinnedMean,
        ModelServerMetricNames.DriftReferenceBinnedMean, ModelServerMetricNames.DriftSeriesDetectedTimestamp,
    };

    // A bin index is small and non-negative; anything else is not a bin of ours.
    private static int? Bin(MetricSample sample) =>
        int.TryParse(sample.Label(ModelServerMetricNames.BinLabel), NumberStyles.None, CultureInfo.InvariantCulture, out var bin) && bin < 4096 ? bin : null;

    private static double Finite(double value) => double.IsFinite(value) && value > 0 ? value : 0;

    private sealed class Builder
    {
        public Dictionary<int, (string Range, double Count, double Reference)> Bins { get; } = [];

        public double NaN { get; set; }

        public double Infinite { get; set; }

        public double OutOfRange { get; set; }

        public double Unseen { get; set; }

        public double Samples { get; set; }

        public double Mean { get; set; } = double.NaN;

        public double ReferenceMean { get; set; } = double.NaN;

        public DateTimeOffset? Since { get; set; }
    }
}
