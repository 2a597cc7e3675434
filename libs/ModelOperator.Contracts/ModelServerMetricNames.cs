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

    /// <summary>The suffix of a histogram's bucket series, with the bound in the <c>le</c> label.</summary>
    public const string BucketSuffix = "_bucket";

    public const string OutcomeLabel = "outcome";
    public const string OutputLabel = "output";
    public const string SeriesLabel = "series";
    public const string FeatureSeries = "feature";

    /// <summary>Every family the operator reads.</summary>
    public static IReadOnlyList<string> ReadByOperator { get; } =
        [Requests, RequestDuration, PredictionValue, RequestsInFlight, ModelLoadDuration, DriftPsi, DriftWindowRows];
}
