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

    /// <summary>The ONNX Runtime shared library (ORT_LIBRARY_PATH, --ort-library); null searches the default places.</summary>
    public string? OrtLibraryPath { get; init; }

    /// <summary>Where downloaded models are kept (MODEL_CACHE_DIR, --model-cache-dir); must be writable.</summary>
    public string CacheDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "modelserver");

    /// <summary>Largest accepted request body (MAX_REQUEST_BYTES); null derives it from the model's input sizes.</summary>
    public long? MaxRequestBytes { get; init; }

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

    /// <summary>Log format: "text" (one line per entry) or "json" (LOG_FORMAT).</summary>
    public string LogFormat { get; init; } = "text";
}
