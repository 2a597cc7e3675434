using ModelOperator.Contracts;

namespace ModelOperator.Runtime.Server.Hosting;

/// <summary>
/// Everything the inference server is configured with. Each setting comes from an environment
/// variable or its command-line equivalent (the command line wins); see <see cref="ServerOptionsParser"/>.
/// </summary>
internal sealed record ServerOptions
{
    /// <summary>The name the model is served under (MODEL_NAME, --model-name).</summary>
    public required string ModelName { get; init; }

    /// <summary>The model version reported in responses and metrics (MODEL_VERSION, --model-version).</summary>
    public string ModelVersion { get; init; } = "1";

    /// <summary>Where the model comes from: a path, file://, http(s):// or s3://bucket/key (MODEL_URI, --model-uri).</summary>
    public required string ModelUri { get; init; }

    /// <summary>The expected sha256 of the model file, lower-case hex; a model that differs is never served.</summary>
    public string? ModelSha256 { get; init; }

    /// <summary>Address to listen on (HOST, --host). 0.0.0.0 in a pod; 127.0.0.1 for local runs.</summary>
    public string Host { get; init; } = "0.0.0.0";

    /// <summary>Port to listen on (PORT, --port); 0 picks a free one.</summary>
    public int Port { get; init; } = 8080;

    /// <summary>
    /// A port of its own for <c>/metrics</c> and <c>/v2/models/{name}/stats</c> (METRICS_PORT, --metrics-port); null serves
    /// them on <see cref="Port"/> with everything else. When set, the metrics port serves only those and <see cref="Port"/>
    /// everything but those, so a NetworkPolicy can open inference widely and metrics to monitoring only.
    /// </summary>
    public int? MetricsPort { get; init; }

    /// <summary>Port of the gRPC inference and health services, HTTP/2 without TLS (GRPC_PORT, --grpc-port); 0 picks a free one.</summary>
    public int GrpcPort { get; init; } = 8081;

    /// <summary>Where downloaded models are kept (MODEL_CACHE_DIR, --model-cache-dir); must be writable.</summary>
    public string CacheDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "modelserver");

    /// <summary>Largest accepted request body (MAX_REQUEST_BYTES); null derives it from the model's input sizes.</summary>
    public long? MaxRequestBytes { get; init; }

    /// <summary>
    /// Largest request body whatever the model (MAX_REQUEST_BODY_BYTES, default 64 MiB): the
    /// limit is the smaller of this and <see cref="MaxRequestBytes"/> or the model-derived one,
    /// which for an image model can run to gigabytes.
    /// </summary>
    public long MaxRequestBodyBytes { get; init; } = 64L << 20;

    /// <summary>
    /// Most request-body bytes buffered at once over all requests (MAX_BUFFERED_REQUEST_BYTES,
    /// default 256 MiB); a request that would go over answers 503 with Retry-After.
    /// </summary>
    public long MaxBufferedRequestBytes { get; init; } = 256L << 20;

    /// <summary>
    /// Largest model file downloaded or read (MAX_MODEL_BYTES, default 2 GiB, the most a single ONNX file can hold);
    /// a larger one is refused with ModelTooLarge.
    /// </summary>
    public long MaxModelBytes { get; init; } = 2L << 30;

    /// <summary>Timeout of one download attempt (MODEL_DOWNLOAD_TIMEOUT, seconds).</summary>
    public TimeSpan DownloadTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Download attempts before giving up (MODEL_DOWNLOAD_ATTEMPTS).</summary>
    public int DownloadAttempts { get; init; } = 4;

    /// <summary>S3-compatible endpoint (S3_ENDPOINT, or the AWS SDK's AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL).</summary>
    public string? S3Endpoint { get; init; }

    /// <summary>S3 region (AWS_REGION); any value works for most S3-compatible stores.</summary>
    public string S3Region { get; init; } = "us-east-1";

    /// <summary>How long in-flight requests may take to finish after SIGTERM (SHUTDOWN_TIMEOUT, seconds).</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(25);

    /// <summary>How long the server keeps answering after SIGTERM with readiness failing, before it stops accepting (DRAIN_PERIOD).</summary>
    public TimeSpan DrainPeriod { get; init; } = ModelStorageEnv.DefaultDrainPeriod;

    /// <summary>S3 access key id from a Secret (MODEL_S3_ACCESS_KEY_ID); with the secret key, used instead of the AWS SDK's default chain.</summary>
    public SecretText? S3AccessKeyId { get; init; }

    /// <summary>S3 secret access key from a Secret (MODEL_S3_SECRET_ACCESS_KEY).</summary>
    public SecretText? S3SecretAccessKey { get; init; }

    /// <summary>The Secret the S3 keys come from (MODEL_S3_CREDENTIALS_SECRET); set, missing keys fail the download by name.</summary>
    public string? S3CredentialsSecret { get; init; }

    /// <summary>A header sent with http(s) downloads, e.g. Authorization (MODEL_HTTP_HEADER_NAME).</summary>
    public string? HttpHeaderName { get; init; }

    /// <summary>The header's value, from a Secret (MODEL_HTTP_HEADER_VALUE).</summary>
    public SecretText? HttpHeaderValue { get; init; }

    /// <summary>The Secret the header's value comes from (MODEL_HTTP_HEADER_SECRET); set, a missing value fails the download by name.</summary>
    public string? HttpHeaderSecret { get; init; }

    /// <summary>Log format: "text" (one line per entry) or "json" (LOG_FORMAT).</summary>
    public string LogFormat { get; init; } = "text";

    /// <summary>The reference profile that travels beside the model (MODEL_PROFILE_URI); same sources as the model.</summary>
    public string? ProfileUri { get; init; }

    /// <summary>Expected sha256 of the profile (MODEL_PROFILE_SHA256).</summary>
    public string? ProfileSha256 { get; init; }

    /// <summary>Length of the sliding drift window (DRIFT_WINDOW).</summary>
    public TimeSpan DriftWindow { get; init; } = ModelServerEnv.DefaultDriftWindow;

    /// <summary>Width of one time bucket of the drift window (DRIFT_BUCKET); the window is a whole number of them.</summary>
    public TimeSpan DriftBucket { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>PSI at or above which a feature or output drifts (DRIFT_PSI_THRESHOLD).</summary>
    public double DriftPsiThreshold { get; init; } = 0.25;

    /// <summary>Jensen-Shannon distance at or above which a series drifts (DRIFT_JS_THRESHOLD); off when null.</summary>
    public double? DriftJsThreshold { get; init; }

    /// <summary>Fewest samples in the window for a drift verdict (DRIFT_MIN_SAMPLES); fewer is inconclusive.</summary>
    public long DriftMinSamples { get; init; } = 100;

    /// <summary>Upper bounds of the prediction histogram's buckets (PREDICTION_BUCKETS, comma-separated).</summary>
    public double[] PredictionBuckets { get; init; } = DefaultPredictionBuckets;

    /// <summary>Largest batch that dynamic batching joins, in rows (MAX_BATCH_SIZE); 0 or 1 turns batching off.</summary>
    public int MaxBatchSize { get; init; }

    /// <summary>Longest a request waits for others to join its batch (MAX_BATCH_DELAY).</summary>
    public TimeSpan MaxBatchDelay { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>The mirroring instruction file the operator mounts (SHADOW_CONFIG_FILE); unset, nothing is mirrored.</summary>
    public string? ShadowConfigFile { get; init; }

    /// <summary>The pod's revision (MODEL_REVISION), compared with the instruction's source; unset, nothing is mirrored.</summary>
    public string? Revision { get; init; }

    /// <summary>Most copies waiting for the candidate (SHADOW_QUEUE_CAPACITY); a copy beyond is dropped and counted.</summary>
    public int ShadowQueueCapacity { get; init; } = 256;

    /// <summary>Longest the candidate may take to answer one copy (SHADOW_TIMEOUT); longer counts as failed.</summary>
    public TimeSpan ShadowTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>0.05, 0.10, …, 1.00: suits probabilities; other outputs set their own.</summary>
    public static readonly double[] DefaultPredictionBuckets = Enumerable.Range(1, 20).Select(i => Math.Round(i * 0.05, 2)).ToArray();
}
