using System.Globalization;
using System.Text.RegularExpressions;
using ModelOperator.Contracts;
using ModelOperator.Contracts.Settings;

namespace ModelOperator.Runtime.Server.Hosting;

/// <summary>
/// Reads <see cref="ServerOptions"/> with the shared settings reader (<see cref="SettingsTable{TOptions}"/>): the table
/// below is every setting, its variable (named in <see cref="ModelServerEnv"/>, which the operator sets), its flag, what
/// is allowed and its help. Every problem is collected and reported at once; the checks across settings follow the table.
/// </summary>
internal static partial class ServerOptionsParser
{
    /// <summary>The settings. A new setting is one row here and one property in <see cref="ServerOptions"/>.</summary>
    public static SettingsTable<ServerOptions> Table { get; } = new("modelserver", new ServerOptions { ModelName = string.Empty, ModelUri = string.Empty },
    [
        Setting.Text<ServerOptions>(ModelServerEnv.ModelName, "--model-name", "the name the model is served under (required)", o => o.ModelName, (o, v) => o with { ModelName = v },
            ModelNamePattern().IsMatch, "1-63 characters of a-z, A-Z, 0-9, '.', '_' and '-', starting with a letter or digit"),
        Setting.Text<ServerOptions>(ModelServerEnv.ModelVersion, "--model-version", "the model version reported in responses and metrics", o => o.ModelVersion, (o, v) => o with { ModelVersion = v },
            ModelNamePattern().IsMatch, "1-63 characters of a-z, A-Z, 0-9, '.', '_' and '-', starting with a letter or digit"),
        Setting.Text<ServerOptions>(ModelServerEnv.ModelUri, "--model-uri", "where the model comes from: a path, file://, http(s):// or s3://bucket/key (required)", o => o.ModelUri, (o, v) => o with { ModelUri = v }),
        Sha256(ModelServerEnv.ModelSha256, "--model-sha256", "the expected sha256 of the model; a model that differs is never served", o => o.ModelSha256, (o, v) => o with { ModelSha256 = v }),
        Setting.Text<ServerOptions>(ModelServerEnv.Host, "--host", "address to listen on (0.0.0.0 in a pod, 127.0.0.1 for local runs)", o => o.Host, (o, v) => o with { Host = v }),
        Setting.Int<ServerOptions>(ModelServerEnv.Port, "--port", "port to listen on; 0 picks a free one", 0, 65535, o => o.Port, (o, v) => o with { Port = v }),
        Setting.OptionalInt<ServerOptions>(ModelServerEnv.MetricsPort, "--metrics-port", "a port of its own for /metrics and /stats; unset serves them on PORT", 0, 65535, o => o.MetricsPort, (o, v) => o with { MetricsPort = v }),
        Setting.Int<ServerOptions>(ModelServerEnv.GrpcPort, "--grpc-port", "port of the gRPC inference and health services (HTTP/2 without TLS); 0 picks a free one", 0, 65535, o => o.GrpcPort, (o, v) => o with { GrpcPort = v }),
        Setting.Text<ServerOptions>(ModelServerEnv.CacheDir, "--model-cache-dir", "where downloaded models are kept; must be writable", o => o.CacheDirectory, (o, v) => o with { CacheDirectory = v })
            .WithDefault(_ => "$TMPDIR/modelserver"),
        Setting.OptionalInt<ServerOptions>(ModelServerEnv.MaxRequestBytes, "--max-request-bytes", "largest request body; unset derives it from the model's input sizes", 1024, int.MaxValue, o => (int?)o.MaxRequestBytes, (o, v) => o with { MaxRequestBytes = v }),
        Setting.Long<ServerOptions>(ModelServerEnv.MaxRequestBodyBytes, "--max-request-body-bytes", "largest request body whatever the model", 1024, 1L << 40, o => o.MaxRequestBodyBytes, (o, v) => o with { MaxRequestBodyBytes = v }, " of bytes"),
        Setting.Long<ServerOptions>(ModelServerEnv.MaxBufferedRequestBytes, "--max-buffered-request-bytes", "most request-body bytes buffered at once over all requests; beyond, 503 with Retry-After", 1024, 1L << 42, o => o.MaxBufferedRequestBytes, (o, v) => o with { MaxBufferedRequestBytes = v }, " of bytes"),
        Setting.Long<ServerOptions>(ModelServerEnv.MaxModelBytes, "--max-model-bytes", "largest model file downloaded or read; larger is refused (ModelTooLarge)", 1024, 1L << 42, o => o.MaxModelBytes, (o, v) => o with { MaxModelBytes = v }, " of bytes"),
        Setting.Int<ServerOptions>(ModelServerEnv.DownloadTimeout, "--model-download-timeout", "timeout of one download attempt, in seconds", 1, 86_400, o => (int)o.DownloadTimeout.TotalSeconds, (o, v) => o with { DownloadTimeout = TimeSpan.FromSeconds(v) }),
        Setting.Int<ServerOptions>(ModelServerEnv.DownloadAttempts, "--model-download-attempts", "download attempts before giving up", 1, 20, o => o.DownloadAttempts, (o, v) => o with { DownloadAttempts = v }),
        Setting.Text<ServerOptions>(ModelServerEnv.S3Endpoint, "--s3-endpoint", "S3-compatible endpoint (unset: AWS)", o => o.S3Endpoint, (o, v) => o with { S3Endpoint = v },
            v => Uri.TryCreate(v, UriKind.Absolute, out _), "an absolute URL such as http://127.0.0.1:9000").OrFrom("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"),
        Setting.Text<ServerOptions>(ModelStorageEnv.S3Region, "--s3-region", "S3 region; any value works for most S3-compatible stores", o => o.S3Region, (o, v) => o with { S3Region = v }).OrFrom("AWS_DEFAULT_REGION"),
        Setting.Int<ServerOptions>(ModelServerEnv.ShutdownTimeout, "--shutdown-timeout", "how long in-flight requests may take to finish after SIGTERM and the drain, in seconds", 0, 3600, o => (int)o.ShutdownTimeout.TotalSeconds, (o, v) => o with { ShutdownTimeout = TimeSpan.FromSeconds(v) }),
        Setting.Duration<ServerOptions>(ModelStorageEnv.DrainPeriod, "--drain-period", "after SIGTERM, how long readiness fails while every request is still answered", TimeSpan.Zero, TimeSpan.FromMinutes(10), o => o.DrainPeriod, (o, v) => o with { DrainPeriod = v }),
        Setting.Text<ServerOptions>(ModelStorageEnv.HttpHeaderName, "--http-header-name", "a header sent with http(s) downloads to the URI's own host, e.g. Authorization; its value comes from the environment only",
            o => o.HttpHeaderName, (o, v) => o with { HttpHeaderName = v }, v => ModelStorageEnv.HeaderNameProblem(v) is null, "an HTTP header name of at most 100 letters, digits and !#$%&'*+-.^_`|~ that HTTP does not set itself, e.g. Authorization or X-Api-Key"),
        Setting.OneOf<ServerOptions>(ModelServerEnv.LogFormat, "--log-format", "log format: one line of text per entry, or JSON", ["text", "json"], o => o.LogFormat, (o, v) => o with { LogFormat = v }),
        Setting.Text<ServerOptions>(ModelServerEnv.ProfileUri, "--profile-uri", "the reference profile for drift; same sources as the model", o => o.ProfileUri, (o, v) => o with { ProfileUri = v }),
        Sha256(ModelServerEnv.ProfileSha256, "--profile-sha256", "the expected sha256 of the profile", o => o.ProfileSha256, (o, v) => o with { ProfileSha256 = v }),
        Setting.Duration<ServerOptions>(ModelServerEnv.DriftWindow, "--drift-window", "length of the sliding drift window; a whole number of DRIFT_BUCKET", TimeSpan.FromSeconds(1), TimeSpan.FromDays(1), o => o.DriftWindow, (o, v) => o with { DriftWindow = v }),
        Setting.Duration<ServerOptions>(ModelServerEnv.DriftBucket, "--drift-bucket", "width of one time bucket of the drift window", TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1), o => o.DriftBucket, (o, v) => o with { DriftBucket = v }),
        Setting.Double<ServerOptions>(ModelServerEnv.DriftPsiThreshold, "--drift-psi-threshold", "PSI at or above which a feature or output drifts", 1e-9, 1e9, o => o.DriftPsiThreshold, (o, v) => o with { DriftPsiThreshold = v }),
        Setting.Of<ServerOptions, double>(ModelServerEnv.DriftJsThreshold, "--drift-js-threshold", "a number from 1E-09 to 1", "Jensen-Shannon distance at or above which a series drifts; unset: off",
            ParseNumber, o => o.DriftJsThreshold ?? 0, (o, v) => o with { DriftJsThreshold = v }, v => v is >= 1e-9 and <= 1).WithDefault(_ => "off"),
        Setting.Long<ServerOptions>(ModelServerEnv.DriftMinSamples, "--drift-min-samples", "fewest samples in the window for a drift verdict; fewer is inconclusive", 1, int.MaxValue, o => o.DriftMinSamples, (o, v) => o with { DriftMinSamples = v }),
        Setting.Of<ServerOptions, double[]>(ModelServerEnv.PredictionBuckets, "--prediction-buckets", "1 to 100 finite numbers in increasing order, comma-separated, e.g. 0.1,0.2,0.5,1",
            "upper bounds of the prediction histogram's buckets", ParseBuckets, o => o.PredictionBuckets, (o, v) => o with { PredictionBuckets = v }),
        Setting.Int<ServerOptions>(ModelServerEnv.MaxBatchSize, "--max-batch-size", "largest batch that dynamic batching joins, in rows; 0 or 1 turns batching off", 0, 65_536, o => o.MaxBatchSize, (o, v) => o with { MaxBatchSize = v }),
        // The operator passes spec.runtime durations through verbatim, so the server reads exactly the grammar the CRD
        // pattern and the operator's validation accept (GoDuration); anything else would crash-loop the pods.
        Setting.Duration<ServerOptions>(ModelServerEnv.MaxBatchDelay, "--max-batch-delay", "longest a request waits for others to join its batch", TimeSpan.Zero, TimeSpan.FromSeconds(1), o => o.MaxBatchDelay, (o, v) => o with { MaxBatchDelay = v }),
        Setting.Text<ServerOptions>(ShadowContract.ConfigFileEnv, "--shadow-config-file", "the mirroring instruction file the operator mounts, re-read every 2s; unset: mirror nothing",
            o => o.ShadowConfigFile, (o, v) => o with { ShadowConfigFile = v }),
        Setting.Text<ServerOptions>(ShadowContract.RevisionEnv, "--model-revision", "the pod's revision; mirroring happens only when the instruction's source is this revision",
            o => o.Revision, (o, v) => o with { Revision = v }, ModelNamePattern().IsMatch, "1-63 characters of a-z, A-Z, 0-9, '.', '_' and '-', starting with a letter or digit"),
        Setting.Int<ServerOptions>(ModelServerEnv.ShadowQueueCapacity, "--shadow-queue-capacity", "most mirrored copies waiting for the candidate; beyond, a copy is dropped and counted", 1, 65_536,
            o => o.ShadowQueueCapacity, (o, v) => o with { ShadowQueueCapacity = v }),
        Setting.Duration<ServerOptions>(ModelServerEnv.ShadowTimeout, "--shadow-timeout", "longest the candidate may take to answer a mirrored copy; longer counts as failed", TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(60),
            o => o.ShadowTimeout, (o, v) => o with { ShadowTimeout = v }),
    ]);

    /// <summary>The usage text printed with --help.</summary>
    public static string Usage => Table.Usage("[serve] [--flag value]...",
        $"Required: {ModelServerEnv.ModelUri} and {ModelServerEnv.ModelName}. See docs/inference-server.md.");

    public static ServerOptions Parse(IReadOnlyList<string> args, Func<string, string?> environment, out List<string> errors)
    {
        var (options, problems) = Table.Read(args, environment);
        errors = [.. problems];

        // Credentials are not rows of the table: never flags (a command line is visible to every process), never echoed in
        // a message or --help. They come from the environment only, where the pod's valueFrom puts them.
        options = options with
        {
            S3AccessKeyId = SecretText.FromEnvironment(environment, ModelStorageEnv.S3AccessKeyId),
            S3SecretAccessKey = SecretText.FromEnvironment(environment, ModelStorageEnv.S3SecretAccessKey),
            S3CredentialsSecret = environment(ModelStorageEnv.S3CredentialsSecret) is { Length: > 0 } s3Secret ? s3Secret : null,
            HttpHeaderValue = SecretText.FromEnvironment(environment, ModelStorageEnv.HttpHeaderValue),
            HttpHeaderSecret = environment(ModelStorageEnv.HttpHeaderSecret) is { Length: > 0 } headerSecret ? headerSecret : null,
        };
        if (options.MetricsPort is { } metricsPort && metricsPort == options.Port && metricsPort != 0)
        {
            errors.Add($"{ModelServerEnv.MetricsPort} {metricsPort} is the same as {ModelServerEnv.Port}; give metrics another port, or leave {ModelServerEnv.MetricsPort} unset to serve them on {ModelServerEnv.Port}");
        }

        if (options.GrpcPort != 0 && (options.GrpcPort == options.Port || options.GrpcPort == options.MetricsPort))
        {
            var other = options.GrpcPort == options.Port ? ModelServerEnv.Port : ModelServerEnv.MetricsPort;
            errors.Add($"{ModelServerEnv.GrpcPort} {options.GrpcPort} is the same as {other}; gRPC needs a port of its own (HTTP/2 only), default 8081");
        }

        // A required setting given with a value that is not allowed was reported above; "is required" would only confuse.
        if (options.ModelUri.Length == 0 && !problems.Any(p => p.StartsWith(ModelServerEnv.ModelUri + " ", StringComparison.Ordinal)))
        {
            errors.Add($"{ModelServerEnv.ModelUri} (--model-uri) is required: a path, file://, http(s):// or s3://bucket/key");
        }

        if (options.ModelName.Length == 0 && !problems.Any(p => p.StartsWith(ModelServerEnv.ModelName + " ", StringComparison.Ordinal)))
        {
            errors.Add($"{ModelServerEnv.ModelName} (--model-name) is required");
        }

        if (options.DriftWindow.Ticks % options.DriftBucket.Ticks != 0)
        {
            errors.Add($"{ModelServerEnv.DriftWindow} ({options.DriftWindow.TotalSeconds:0.###} s) must be a whole multiple of {ModelServerEnv.DriftBucket} ({options.DriftBucket.TotalSeconds:0.###} s)");
        }
        else if (options.DriftWindow.Ticks / options.DriftBucket.Ticks > 10_000)
        {
            errors.Add($"{ModelServerEnv.DriftWindow} / {ModelServerEnv.DriftBucket} must be at most 10000 buckets");
        }

        if (options.HttpHeaderName is null && (options.HttpHeaderValue is not null || options.HttpHeaderSecret is not null))
        {
            errors.Add($"{ModelStorageEnv.HttpHeaderValue} is set but {ModelStorageEnv.HttpHeaderName} is not; name the header to send, e.g. Authorization");
        }

        return options;
    }

    /// <summary>A sha256 digest, any letter case; kept lower-case, as the server compares it.</summary>
    private static Setting<ServerOptions> Sha256(string env, string flag, string help, Func<ServerOptions, string?> get, Func<ServerOptions, string, ServerOptions> set) =>
        Setting.Text(env, flag, help, get, (o, v) => set(o, v.ToLowerInvariant()), v => Sha256Pattern().IsMatch(v.ToLowerInvariant()), "a sha256 digest, 64 hexadecimal characters");

    private static bool ParseNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    private static bool ParseBuckets(string text, out double[] buckets)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        buckets = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!ParseNumber(parts[i], out buckets[i]) || (i > 0 && buckets[i] <= buckets[i - 1]))
            {
                return false;
            }
        }

        return buckets.Length is >= 1 and <= 100;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")]
    private static partial Regex ModelNamePattern();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Pattern();
}
