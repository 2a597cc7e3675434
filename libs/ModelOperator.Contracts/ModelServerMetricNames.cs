namespace ModelOperator.Contracts;

/// <summary>
/// The metric families (and their labels) the model server exports and the operator's analysis reads, by scrape or
/// through PromQL. Defined once here, so the server cannot rename what the operator judges a canary by; a test scrapes a
/// real server and fails when a family in <see cref="ReadByOperator"/> is missing.
/// </summary>
public static partial class ModelServerMetricNames
{
    /// <summary>Counter of inference requests, labelled by <see cref="OutcomeLabel"/>.</summary>
    public const string Requests = "modelserver_requests_total";

    /// <summary>Histogram of request durations (series <c>_bucket</c> with <c>le</c>).</summary>
    public const string RequestDuration = "modelserver_request_duration_seconds";

    /// <summary>Histogram of predicted values, labelled by <see cref="OutputLabel"/>.</summary>
    public const string PredictionValue = "modelserver_prediction_value";

    /// <summary>Gauge of requests being served.</summary>
    public const string RequestsInFlight = "modelserver_requests_in_flight";

    /// <summary>Gauge of the last model load's duration.</summary>
    public const string ModelLoadDuration = "modelserver_model_load_duration_seconds";

    /// <summary>Gauge of PSI per series; the operator reads <see cref="SeriesLabel"/> = <see cref="FeatureSeries"/>.</summary>
    public const string DriftPsi = "modelserver_drift_psi";

    /// <summary>Gauge of rows in the drift window (the samples a feature-drift verdict rests on).</summary>
    public const string DriftWindowRows = "modelserver_drift_window_rows";

    /// <summary>Gauge of binned values per series in the drift window (what the series' scores rest on).</summary>
    public const string DriftWindowSamples = "modelserver_drift_window_samples";

    /// <summary>Gauge of NaN values per series in the drift window.</summary>
    public const string DriftWindowNaN = "modelserver_drift_window_nan_values";

    /// <summary>Gauge of ±Infinity values per series in the drift window.</summary>
    public const string DriftWindowInfinite = "modelserver_drift_window_infinite_values";

    /// <summary>Gauge of values outside the reference min and max per series in the drift window.</summary>
    public const string DriftWindowOutOfRange = "modelserver_drift_window_out_of_range_values";

    /// <summary>Gauge of values of a categorical series that are not a reference category, in the drift window.</summary>
    public const string DriftWindowUnseenCategory = "modelserver_drift_window_unseen_category_values";

    /// <summary>
    /// Gauge of values per bin (<see cref="BinLabel"/>, <see cref="RangeLabel"/>) per series in the drift window: the
    /// operator sums a revision's pods bin by bin and scores the pooled histogram.
    /// </summary>
    public const string DriftWindowBinValues = "modelserver_drift_window_bin_values";

    /// <summary>Gauge of the reference profile's proportion per bin per series (constant while the profile is loaded).</summary>
    public const string DriftReferenceBinProportion = "modelserver_drift_reference_bin_proportion";

    /// <summary>Gauge of a series' mean in the drift window, estimated from its bins (NaN without values).</summary>
    public const string DriftWindowBinnedMean = "modelserver_drift_window_binned_mean";

    /// <summary>Gauge of a series' mean in the reference profile, estimated from the same bins.</summary>
    public const string DriftReferenceBinnedMean = "modelserver_drift_reference_binned_mean";

    /// <summary>Gauge of the Unix time a series' current drift episode was first detected; absent while the series does not drift.</summary>
    public const string DriftSeriesDetectedTimestamp = "modelserver_drift_series_detected_timestamp_seconds";

    /// <summary>The suffix of a histogram's bucket series, with the bound in the <c>le</c> label.</summary>
    public const string BucketSuffix = "_bucket";

    public const string OutcomeLabel = "outcome";
    public const string OutputLabel = "output";
    public const string SeriesLabel = "series";
    public const string FeatureSeries = "feature";
    public const string OutputSeries = "output";

    /// <summary>The series' name (a feature or output of the reference profile).</summary>
    public const string NameLabel = "name";

    /// <summary>A bin's index in the profile's bin layout, from 0.</summary>
    public const string BinLabel = "bin";

    /// <summary>A bin's values in words: <c>&lt; 0</c>, <c>[0, 7)</c>, <c>≥ 72</c>, <c>= 12</c>, <c>unseen</c>.</summary>
    public const string RangeLabel = "range";

    /// <summary>Every family the operator reads.</summary>
    public static IReadOnlyList<string> ReadByOperator { get; } =
        [
            Requests, RequestDuration, PredictionValue, RequestsInFlight, ModelLoadDuration, DriftPsi, DriftWindowRows,
            DriftWindowSamples, DriftWindowNaN, DriftWindowInfinite, DriftWindowOutOfRange, DriftWindowUnseenCategory,
            DriftWindowBinValues, DriftReferenceBinProportion, DriftWindowBinnedMean, DriftReferenceBinnedMean,
        ];
}
