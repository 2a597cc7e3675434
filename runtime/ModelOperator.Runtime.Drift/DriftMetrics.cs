using ModelOperator.Contracts;
using Prometheus;

namespace ModelOperator.Runtime.Drift;

/// <summary>
/// Exposes a <see cref="DriftMonitor"/> on a prometheus-net <see cref="CollectorRegistry"/>: before each scrape it takes a
/// <see cref="DriftMonitor.Snapshot"/> (which also advances the drift episode) and sets gauges and counters from it.
/// </summary>
/// <remarks>
/// Series, all gauges (window values go down as the window slides), labelled <c>model</c>, <c>version</c> and, per
/// feature or output, <c>series</c> (<c>feature</c> or <c>output</c>) and <c>name</c>. Cardinality is bounded: at most
/// <see cref="MaxSeriesPerKind"/> features and as many outputs are exported (the first ones, in profile order); the
/// stats endpoint still reports all of them. Names (prefix <c>modelserver_drift_</c>):
/// <c>modelserver_drift_psi</c>, <c>modelserver_drift_js_distance</c>, <c>modelserver_drift_window_samples</c>,
/// <c>modelserver_drift_window_nan_values</c>, <c>modelserver_drift_window_infinite_values</c>,
/// <c>modelserver_drift_window_out_of_range_values</c>, <c>modelserver_drift_window_unseen_category_values</c>;
/// per model: <c>modelserver_drift_window_rows</c>, <c>modelserver_drift_detected</c> (1 while an episode runs, else 0),
/// <c>modelserver_drift_detected_timestamp_seconds</c> (Unix time of the episode's start, only once drift was seen).
/// Scores are NaN when the window holds no values for a series.
/// <para>What the operator pools and explains with (see <see cref="ModelServerMetricNames"/>): per bin, with labels
/// <c>bin</c> (index) and <c>range</c> (<see cref="SeriesBins.Range"/>), <c>modelserver_drift_window_bin_values</c> and
/// <c>modelserver_drift_reference_bin_proportion</c>, for series of at most <see cref="MaxBinsPerSeries"/> bins; per series
/// <c>modelserver_drift_window_binned_mean</c>, <c>modelserver_drift_reference_binned_mean</c> and, while the series
/// drifts, <c>modelserver_drift_series_detected_timestamp_seconds</c>.</para>
/// </remarks>
public sealed class DriftMetrics
{
    /// <summary>Most features (and, separately, outputs) exported as labelled series.</summary>
    public const int MaxSeriesPerKind = 64;

    /// <summary>Most bins per series exported bin by bin (a categorical series may have up to 1001); larger series export no bins.</summary>
    public const int MaxBinsPerSeries = 32;

    private static readonly string[] SeriesLabels = ["model", "version", ModelServerMetricNames.SeriesLabel, ModelServerMetricNames.NameLabel];

    private static readonly string[] BinLabels = [.. SeriesLabels, ModelServerMetricNames.BinLabel, ModelServerMetricNames.RangeLabel];

    private readonly DriftMonitor _monitor;
    private readonly Gauge.Child _rows;
    private readonly Gauge.Child _detected;
    private readonly Gauge.Child _detectedAt;
    private readonly SeriesChildren[] _features;
    private readonly SeriesChildren[] _outputs;

    private DriftMetrics(IMetricFactory factory, string model, string version, DriftMonitor monitor)
    {
        _monitor = monitor;
        string[] modelLabels = ["model", "version"];
        _rows = factory.CreateGauge(ModelServerMetricNames.DriftWindowRows, "Rows recorded in the drift window.", modelLabels).WithLabels(model, version);
        _detected = factory.CreateGauge("modelserver_drift_detected", "1 while drift is detected against the reference profile, else 0.", modelLabels)
            .WithLabels(model, version);
        // Absent until drift is first seen: published by its first Set.
        _detectedAt = factory.CreateGauge(
                "modelserver_drift_detected_timestamp_seconds",
                "Unix time at which the last drift episode was first detected.",
                modelLabels,
                new GaugeConfiguration { SuppressInitialValue = true })
            .WithLabels(model, version);
        var families = new SeriesFamilies(factory);
        var profile = monitor.Profile;
        _features = profile.Features.Take(MaxSeriesPerKind).Select((f, i) => new SeriesChildren(families, model, version, ModelServerMetricNames.FeatureSeries, f, i)).ToArray();
        _outputs = profile.Outputs.Take(MaxSeriesPerKind)
            .Select((o, i) => new SeriesChildren(families, model, version, ModelServerMetricNames.OutputSeries, o, profile.Features.Count + i)).ToArray();
    }

    /// <summary>Creates the drift families on <paramref name="registry"/> and refreshes them before every scrape.</summary>
    public static DriftMetrics Register(CollectorRegistry registry, string model, string version, DriftMonitor monitor)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(monitor);
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentException.ThrowIfNullOrEmpty(version);
        var metrics = new DriftMetrics(Prometheus.Metrics.WithCustomRegistry(registry), model, version, monitor);
        registry.AddBeforeCollectCallback(metrics.Update);
        return metrics;
    }

    /// <summary>Takes a snapshot (advancing the drift episode) and sets every series from it; run before each scrape.</summary>
    public void Update()
    {
        DriftSnapshot snapshot = _monitor.Snapshot();
        _rows.Set(snapshot.Rows);
        _detected.Set(snapshot.State.IsDrifting ? 1 : 0);
        if (snapshot.State.DetectedAt is { } detectedAt)
        {
            _detectedAt.Set(detectedAt.ToUnixTimeMilliseconds() / 1000.0);
        }

        Update(_features, snapshot.Features);
        Update(_outputs, snapshot.Outputs);
    }

    private void Update(SeriesChildren[] children, IReadOnlyList<SeriesDrift> series)
    {
        for (int i = 0; i < children.Length && i < series.Count; i++)
        {
            children[i].Set(series[i], _monitor.QualityTotals(children[i].Index));
        }
    }

    /// <summary>
    /// The per-series families: drift gauges (window values go down as the window slides) and the cumulative
    /// data-quality counters, <c>modelserver_data_quality_values_total</c> with a <c>problem</c> label
    /// (<c>nan</c>, <c>infinite</c>, <c>out_of_range</c>, <c>unseen_category</c>), so that PromQL can rate them over any window.
    /// </summary>
    private sealed class SeriesFamilies(IMetricFactory factory)
    {
        public Gauge Psi { get; } = factory.CreateGauge(ModelServerMetricNames.DriftPsi, "Population Stability Index of the window against the reference profile.", SeriesLabels);

        public Gauge JensenShannon { get; } = factory.CreateGauge(
            "modelserver_drift_js_distance", "Jensen-Shannon distance (base 2) of the window against the reference profile.", SeriesLabels);

        public Gauge Samples { get; } = factory.CreateGauge(ModelServerMetricNames.DriftWindowSamples, "Binned values in the drift window that the scores rest on.", SeriesLabels);

        public Gauge NaN { get; } = factory.CreateGauge(ModelServerMetricNames.DriftWindowNaN, "NaN values in the drift window.", SeriesLabels);

        public Gauge Infinite { get; } = factory.CreateGauge(ModelServerMetricNames.DriftWindowInfinite, "Infinite values in the drift window.", SeriesLabels);

        public Gauge OutOfRange { get; } = factory.CreateGauge(
            ModelServerMetricNames.DriftWindowOutOfRange, "Values outside the reference min and max in the drift window.", SeriesLabels);

        public Gauge UnseenCategory { get; } = factory.CreateGauge(
            ModelServerMetricNames.DriftWindowUnseenCategory, "Values of categorical series not seen in the reference, in the drift window.", SeriesLabels);

        public Gauge WindowBins { get; } = factory.CreateGauge(ModelServerMetricNames.DriftWindowBinValues, "Values per bin in the drift window.", BinLabels);

        public Gauge ReferenceBins { get; } = factory.CreateGauge(
            ModelServerMetricNames.DriftReferenceBinProportion, "The reference profile's proportion per bin.", BinLabels);

        public Gauge WindowMean { get; } = factory.CreateGauge(
            ModelServerMetricNames.DriftWindowBinnedMean, "Mean of the drift window estimated from its bins (NaN without values).", SeriesLabels);

        public Gauge ReferenceMean { get; } = factory.CreateGauge(
            ModelServerMetricNames.DriftReferenceBinnedMean, "Mean of the reference profile estimated from its bins.", SeriesLabels);

        public Gauge DetectedAt { get; } = factory.CreateGauge(
            ModelServerMetricNames.DriftSeriesDetectedTimestamp,
            "Unix time at which the series' current drift episode was first detected; absent while it does not drift.",
            SeriesLabels,
            new GaugeConfiguration { SuppressInitialValue = true });

        public Counter Quality { get; } = factory.CreateCounter(
            "modelserver_data_quality_values_total", "Values with a data-quality problem since start, by series and problem.", [.. SeriesLabels, "problem"]);
    }

    /// <summary>The children of one feature or output, resolved once.</summary>
    private sealed class SeriesChildren
    {
        private readonly Gauge.Child _psi;
        private readonly Gauge.Child _js;
        private readonly Gauge.Child _samples;
        private readonly Gauge.Child _nan;
        private readonly Gauge.Child _infinite;
        private readonly Gauge.Child _outOfRange;
        private readonly Gauge.Child _unseen;
        private readonly Counter.Child _qualityNaN;
        private readonly Counter.Child _qualityInfinite;
        private readonly Counter.Child _qualityOutOfRange;
        private readonly Counter.Child _qualityUnseen;
        private readonly SeriesProfile _profile;
        private readonly Gauge.Child[] _windowBins;
        private readonly Gauge.Child _windowMean;
        private readonly Gauge.Child _detectedAt;
        private bool _detectedPublished;

        public SeriesChildren(SeriesFamilies families, string model, string version, string kind, SeriesProfile profile, int index)
        {
            Index = index;
            _profile = profile;
            var name = profile.Name;
            _psi = families.Psi.WithLabels(model, version, kind, name);
            _js = families.JensenShannon.WithLabels(model, version, kind, name);
            _samples = families.Samples.WithLabels(model, version, kind, name);
            _nan = families.NaN.WithLabels(model, version, kind, name);
            _infinite = families.Infinite.WithLabels(model, version, kind, name);
            _outOfRange = families.OutOfRange.WithLabels(model, version, kind, name);
            _unseen = families.UnseenCategory.WithLabels(model, version, kind, name);
            _qualityNaN = families.Quality.WithLabels(model, version, kind, name, "nan");
            _qualityInfinite = families.Quality.WithLabels(model, version, kind, name, "infinite");
            _qualityOutOfRange = families.Quality.WithLabels(model, version, kind, name, "out_of_range");
            _qualityUnseen = families.Quality.WithLabels(model, version, kind, name, "unseen_category");
            _windowMean = families.WindowMean.WithLabels(model, version, kind, name);
            _detectedAt = families.DetectedAt.WithLabels(model, version, kind, name);
            families.ReferenceMean.WithLabels(model, version, kind, name).Set(SeriesBins.Mean(profile, profile.Proportions));
            _windowBins = profile.BinCount > MaxBinsPerSeries ? [] : new Gauge.Child[profile.BinCount];
            for (int b = 0; b < _windowBins.Length; b++)
            {
                string bin = b.ToString(System.Globalization.CultureInfo.InvariantCulture);
                string range = SeriesBins.Range(profile, b);
                _windowBins[b] = families.WindowBins.WithLabels(model, version, kind, name, bin, range);
                families.ReferenceBins.WithLabels(model, version, kind, name, bin, range).Set(profile.Proportions[b]);
            }
        }

        /// <summary>The series' index in the monitor (features first, then outputs).</summary>
        public int Index { get; }

        public void Set(SeriesDrift drift, (long NaN, long Infinite, long OutOfRange, long UnseenCategory) totals)
        {
            _psi.Set(drift.Psi);
            _js.Set(drift.JensenShannonDistance);
            _samples.Set(drift.SampleCount);
            _nan.Set(drift.NaNCount);
            _infinite.Set(drift.InfiniteCount);
            _outOfRange.Set(drift.OutOfRangeCount);
            _unseen.Set(drift.UnseenCategoryCount);
            _qualityNaN.IncTo(totals.NaN);
            _qualityInfinite.IncTo(totals.Infinite);
            _qualityOutOfRange.IncTo(totals.OutOfRange);
            _qualityUnseen.IncTo(totals.UnseenCategory);
            var weights = new double[drift.Counts.Count];
            for (int b = 0; b < weights.Length; b++)
            {
                weights[b] = drift.Counts[b];
                if (b < _windowBins.Length)
                {
                    _windowBins[b].Set(weights[b]);
                }
            }

            _windowMean.Set(SeriesBins.Mean(_profile, weights));
            if (drift.DetectedAt is { } since)
            {
                _detectedAt.Set(since.ToUnixTimeMilliseconds() / 1000.0);
                _detectedPublished = true;
            }
            else if (_detectedPublished)
            {
                // Absent while the series does not drift, so "since when" never outlives the episode.
                _detectedAt.Unpublish();
                _detectedPublished = false;
            }
        }
    }
}
