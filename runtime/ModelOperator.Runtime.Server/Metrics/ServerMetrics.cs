using ModelOperator.Contracts;
using ModelOperator.Runtime.Server.Hosting;
using ModelOperator.Runtime.Server.Models;
using Prometheus;

namespace ModelOperator.Runtime.Server.Metrics;

/// <summary>
/// The inference server's metrics. Labels are bounded: one model and version per process, and
/// outcomes and reasons from fixed sets. Hot-path children are resolved once here, so a request
/// only does a few interlocked adds.
/// </summary>
internal sealed class ServerMetrics
{
    /// <summary>Request outcomes, the values of the <c>outcome</c> label: the contract's (<see cref="ModelServerOutcomes"/>), named here for the handlers.</summary>
    internal static class Outcome
    {
        public const string Success = ModelServerOutcomes.Success;
        public const string BadRequest = ModelServerOutcomes.BadRequest;
        public const string NotFound = ModelServerOutcomes.NotFound;
        public const string TooLarge = ModelServerOutcomes.TooLarge;
        public const string Unavailable = ModelServerOutcomes.Unavailable;
        public const string Error = ModelServerOutcomes.Error;
        public const string ClientAborted = ModelServerOutcomes.ClientAborted;
        public const string Busy = ModelServerOutcomes.Busy;

        public static readonly string[] All = [.. ModelServerOutcomes.All];
    }

    // Latency buckets from 50 µs to ~3 s: the churn model answers in tens of microseconds,
    // the wide MLP at large batches in hundreds of milliseconds.
    internal static readonly double[] LatencyBuckets =
        [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

    private readonly Counter.Child[] _requests;
    private readonly Counter _loadFailures;
    private readonly Gauge _modelInfo;
    private readonly string _model;
    private readonly string _version;

    public ServerMetrics(CollectorRegistry registry, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(options);
        Registry = registry;
        IMetricFactory factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _model = options.ModelName;
        _version = options.ModelVersion;

        string[] modelLabels = ["model", "version"];
        var requests = factory.CreateCounter(
            ModelServerMetricNames.Requests, "Inference requests by outcome.", ["model", "version", ModelServerMetricNames.OutcomeLabel]);
        _requests = Outcome.All.Select(o => requests.WithLabels(_model, _version, o)).ToArray();
        RequestDuration = factory.CreateHistogram(
                ModelServerMetricNames.RequestDuration,
                "Time to answer an inference request, from routing to the last byte written, in seconds.",
                modelLabels,
                new HistogramConfiguration { Buckets = LatencyBuckets })
            .WithLabels(_model, _version);
        InferenceDuration = factory.CreateHistogram(
                "modelserver_inference_duration_seconds",
                "Time spent in the ONNX Runtime Run call per request, in seconds.",
                modelLabels,
                new HistogramConfiguration { Buckets = LatencyBuckets })
            .WithLabels(_model, _version);
        InFlight = factory.CreateGauge(
                ModelServerMetricNames.RequestsInFlight, "Inference requests being served now.", modelLabels)
            .WithLabels(_model, _version);
        LoadDuration = factory.CreateGauge(
                ModelServerMetricNames.ModelLoadDuration,
                "Time the last model load took (fetch, verify, load, warm-up), in seconds.",
                modelLabels)
            .WithLabels(_model, _version);
        Ready = factory.CreateGauge(
                "modelserver_model_ready", "1 when the model is loaded, verified and warmed; 0 otherwise.", modelLabels)
            .WithLabels(_model, _version);
        SessionsCreated = factory.CreateCounter(
                "modelserver_sessions_created_total",
                "ONNX Runtime sessions created since start: one per successful load, never one per request.",
                modelLabels)
            .WithLabels(_model, _version);
        _loadFailures = factory.CreateCounter(
            "modelserver_model_load_failures_total", "Model loads that failed, by reason.", ["model", "version", "reason"]);
        foreach (var reason in ModelLoadReason.Failures)
        {
            _loadFailures.WithLabels(_model, _version, reason);
        }

        Predictions = factory.CreateHistogram(
            ModelServerMetricNames.PredictionValue,
            "Distribution of the model's predictions (per output column), as cumulative per-bin counters for comparing revisions in PromQL.",
            ["model", "version", ModelServerMetricNames.OutputLabel],
            new HistogramConfiguration { Buckets = options.PredictionBuckets });
        BatchQueueDuration = factory.CreateHistogram(
                "modelserver_batch_queue_duration_seconds",
                "Time a request waited in the dynamic batcher before its batch ran, in seconds.",
                modelLabels,
                new HistogramConfiguration { Buckets = LatencyBuckets })
            .WithLabels(_model, _version);
        BatchRows = factory.CreateHistogram(
                "modelserver_batch_size_rows",
                "Rows per run of the dynamic batcher.",
                modelLabels,
                new HistogramConfiguration { Buckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] })
            .WithLabels(_model, _version);
        _modelInfo = factory.CreateGauge(
            "modelserver_model_info",
            "Constant 1 for the served model, with its sha256 and the ONNX Runtime version as labels.",
            ["model", "version", "sha256", "runtime_version"]);
    }

    public CollectorRegistry Registry { get; }

    public string ModelName => _model;

    public string ModelVersion => _version;

    public Histogram.Child RequestDuration { get; }

    public Histogram.Child InferenceDuration { get; }

    public Gauge.Child InFlight { get; }

    public Gauge.Child LoadDuration { get; }

    public Gauge.Child Ready { get; }

    public Counter.Child SessionsCreated { get; }

    public Histogram.Child BatchQueueDuration { get; }

    public Histogram.Child BatchRows { get; }

    /// <summary>The prediction histogram; children are labelled per output column by the drift tracker.</summary>
    public Histogram Predictions { get; }

    /// <summary>Counts one request with its outcome (an <see cref="Outcome"/> constant).</summary>
    public void CountRequest(string outcome) => _requests[Array.IndexOf(Outcome.All, outcome)].Inc();

    public void LoadFailed(string reason) => _loadFailures.WithLabels(_model, _version, reason).Inc();

    public void ModelInfo(string sha256, string runtimeVersion) => _modelInfo.WithLabels(_model, _version, sha256, runtimeVersion).Set(1);
}
