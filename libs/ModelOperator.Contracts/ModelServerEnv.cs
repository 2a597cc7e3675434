namespace ModelOperator.Contracts;

/// <summary>
/// The environment variables the model server reads its settings from. The operator sets them on the server container
/// and refuses them in <c>spec.runtime.env</c>; the server's settings table reads them. Defined once here, so a rename
/// on one side fails to compile on the other instead of leaving a pod with a setting nobody reads.
/// </summary>
public static class ModelServerEnv
{
    public const string ModelName = "MODEL_NAME";
    public const string ModelVersion = "MODEL_VERSION";
    public const string ModelUri = "MODEL_URI";
    public const string ModelSha256 = "MODEL_SHA256";
    public const string ProfileUri = "MODEL_PROFILE_URI";
    public const string ProfileSha256 = "MODEL_PROFILE_SHA256";
    public const string CacheDir = "MODEL_CACHE_DIR";
    public const string DownloadTimeout = "MODEL_DOWNLOAD_TIMEOUT";
    public const string DownloadAttempts = "MODEL_DOWNLOAD_ATTEMPTS";
    public const string Host = "HOST";
    public const string Port = "PORT";
    public const string MetricsPort = "METRICS_PORT";
    public const string GrpcPort = "GRPC_PORT";
    public const string ShutdownTimeout = "SHUTDOWN_TIMEOUT";
    public const string LogFormat = "LOG_FORMAT";
    public const string MaxRequestBytes = "MAX_REQUEST_BYTES";
    public const string MaxRequestBodyBytes = "MAX_REQUEST_BODY_BYTES";
    public const string MaxBufferedRequestBytes = "MAX_BUFFERED_REQUEST_BYTES";
    public const string MaxModelBytes = "MAX_MODEL_BYTES";
    public const string MaxBatchSize = "MAX_BATCH_SIZE";
    public const string MaxBatchDelay = "MAX_BATCH_DELAY";
    public const string S3Endpoint = "S3_ENDPOINT";
    public const string DriftWindow = "DRIFT_WINDOW";

    /// <summary>DRIFT_WINDOW when unset. The operator reports feature drift over this window, since the servers compute it so.</summary>
    public static readonly TimeSpan DefaultDriftWindow = TimeSpan.FromMinutes(5);
    public const string DriftBucket = "DRIFT_BUCKET";
    public const string DriftPsiThreshold = "DRIFT_PSI_THRESHOLD";
    public const string DriftJsThreshold = "DRIFT_JS_THRESHOLD";
    public const string DriftMinSamples = "DRIFT_MIN_SAMPLES";
    public const string PredictionBuckets = "PREDICTION_BUCKETS";
    public const string ShadowQueueCapacity = "SHADOW_QUEUE_CAPACITY";
    public const string ShadowTimeout = "SHADOW_TIMEOUT";

    /// <summary>
    /// The settings a ModelDeployment may not set in <c>spec.runtime.env</c>, as an RE2/.NET alternation (a constant, so
    /// the CRD's CEL rule can be built from it): the model, its endpoints, limits (every <c>MAX_*</c>, including those a
    /// later version adds), download and shutdown timeouts, the cache folder, and mirroring (every <c>SHADOW_*</c> and
    /// the pod's revision: a tenant that could set them could point a stable pod's copies elsewhere). Log format, drift
    /// and bucket settings stay the user's to tune.
    /// </summary>
    public const string ReservedPattern =
        "MAX_.*|SHADOW_.*|MODEL_(NAME|VERSION|URI|SHA256|PROFILE_URI|PROFILE_SHA256|CACHE_DIR|DOWNLOAD_TIMEOUT|DOWNLOAD_ATTEMPTS|REVISION)"
        + "|" + Host + "|" + Port + "|" + MetricsPort + "|" + GrpcPort + "|" + ShutdownTimeout;

    /// <summary>The reserved settings in words, in the order of <see cref="ReservedPattern"/>.</summary>
    public const string ReservedDescription =
        "MAX_*, SHADOW_*, " + ModelName + ", " + ModelVersion + ", " + ModelUri + ", " + ModelSha256 + ", " + ProfileUri + ", " + ProfileSha256 + ", "
        + CacheDir + ", " + DownloadTimeout + ", " + DownloadAttempts + ", " + ShadowContract.RevisionEnv + ", " + Host + ", " + Port + ", " + MetricsPort + ", " + GrpcPort + ", " + ShutdownTimeout;
}
