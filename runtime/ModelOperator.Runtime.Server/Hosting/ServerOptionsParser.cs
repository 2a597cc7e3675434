using System.Globalization;
using System.Text.RegularExpressions;
using ModelOperator.Contracts;

namespace ModelOperator.Runtime.Server.Hosting;

/// <summary>
/// Reads <see cref="ServerOptions"/> from environment variables and command-line flags
/// (<c>--model-uri x</c> or <c>--model-uri=x</c>; flags win). Every problem is collected and
/// reported at once, each naming the setting, what was given and what is allowed.
/// </summary>
internal static partial class ServerOptionsParser
{
    // flag => environment variable
    private static readonly Dictionary<string, string> Settings = new(StringComparer.Ordinal)
    {
        ["--model-name"] = "MODEL_NAME",
        ["--model-version"] = "MODEL_VERSION",
        ["--model-uri"] = "MODEL_URI",
        ["--model-sha256"] = "MODEL_SHA256",
        ["--host"] = "HOST",
        ["--port"] = "PORT",
        ["--metrics-port"] = "METRICS_PORT",
        ["--model-cache-dir"] = "MODEL_CACHE_DIR",
        ["--max-request-bytes"] = "MAX_REQUEST_BYTES",
        ["--max-request-body-bytes"] = "MAX_REQUEST_BODY_BYTES",
        ["--max-buffered-request-bytes"] = "MAX_BUFFERED_REQUEST_BYTES",
        ["--max-model-bytes"] = "MAX_MODEL_BYTES",
        ["--model-download-timeout"] = "MODEL_DOWNLOAD_TIMEOUT",
        ["--model-download-attempts"] = "MODEL_DOWNLOAD_ATTEMPTS",
        ["--s3-endpoint"] = "S3_ENDPOINT",
        ["--shutdown-timeout"] = "SHUTDOWN_TIMEOUT",
        ["--drain-period"] = ModelStorageEnv.DrainPeriod,
        ["--http-header-name"] = ModelStorageEnv.HttpHeaderName,
        ["--log-format"] = "LOG_FORMAT",
        ["--profile-uri"] = "MODEL_PROFILE_URI",
        ["--profile-sha256"] = "MODEL_PROFILE_SHA256",
        ["--drift-window"] = "DRIFT_WINDOW",
        ["--drift-bucket"] = "DRIFT_BUCKET",
        ["--drift-psi-threshold"] = "DRIFT_PSI_THRESHOLD",
        ["--drift-js-threshold"] = "DRIFT_JS_THRESHOLD",
        ["--drift-min-samples"] = "DRIFT_MIN_SAMPLES",
        ["--prediction-buckets"] = "PREDICTION_BUCKETS",
        ["--max-batch-size"] = "MAX_BATCH_SIZE",
        ["--max-batch-delay"] = "MAX_BATCH_DELAY",
    };

    /// <summary>The usage text printed with --help.</summary>
    public static string Usage =>
        "usage: modelserver [serve] [--flag value]...\n" +
        string.Join('\n', Settings.Select(s => $"  {s.Key,-28} or {s.Value}")) +
        "\nRequired: MODEL_URI and MODEL_NAME. See docs/inference-server.md.";

    public static ServerOptions Parse(IReadOnlyList<string> args, Func<string, string?> environment, out List<string> errors)
    {
        errors = [];
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (flag, variable) in Settings)
        {
            var value = environment(variable);
            if (!string.IsNullOrEmpty(value))
            {
                values[variable] = value;
            }
        }

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var flag = eq > 0 ? arg[..eq] : arg;
            if (!Settings.TryGetValue(flag, out var variable))
            {
                errors.Add($"unknown argument \"{arg}\"; run with --help for the list of settings");
                continue;
            }

            if (eq > 0)
            {
                values[variable] = arg[(eq + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                values[variable] = args[++i];
            }
            else
            {
                errors.Add($"{flag} needs a value");
            }
        }

        var s3Endpoint = Get(values, "S3_ENDPOINT") ?? environment("AWS_ENDPOINT_URL_S3") ?? environment("AWS_ENDPOINT_URL");
        var options = new ServerOptions
        {
            ModelName = Get(values, "MODEL_NAME") ?? string.Empty,
            ModelUri = Get(values, "MODEL_URI") ?? string.Empty,
            ModelVersion = Get(values, "MODEL_VERSION") ?? "1",
            ModelSha256 = Get(values, "MODEL_SHA256")?.ToLowerInvariant(),
            Host = Get(values, "HOST") ?? "0.0.0.0",
            Port = Int(values, "PORT", 8080, 0, 65535, errors),
            MetricsPort = values.ContainsKey("METRICS_PORT") ? Int(values, "METRICS_PORT", 0, 0, 65535, errors) : null,
            CacheDirectory = Get(values, "MODEL_CACHE_DIR") ?? Path.Combine(Path.GetTempPath(), "modelserver"),
            MaxRequestBytes = values.ContainsKey("MAX_REQUEST_BYTES") ? Int(values, "MAX_REQUEST_BYTES", 0, 1024, int.MaxValue, errors) : null,
            MaxRequestBodyBytes = Long(values, "MAX_REQUEST_BODY_BYTES", 64L << 20, 1024, 1L << 40, errors),
            MaxBufferedRequestBytes = Long(values, "MAX_BUFFERED_REQUEST_BYTES", 256L << 20, 1024, 1L << 42, errors),
            MaxModelBytes = Long(values, "MAX_MODEL_BYTES", 2L << 30, 1024, 1L << 42, errors),
            DownloadTimeout = TimeSpan.FromSeconds(Int(values, "MODEL_DOWNLOAD_TIMEOUT", 120, 1, 86_400, errors)),
            DownloadAttempts = Int(values, "MODEL_DOWNLOAD_ATTEMPTS", 4, 1, 20, errors),
            S3Endpoint = s3Endpoint,
            S3Region = environment("AWS_REGION") ?? environment("AWS_DEFAULT_REGION") ?? "us-east-1",
            ShutdownTimeout = TimeSpan.FromSeconds(Int(values, "SHUTDOWN_TIMEOUT", (int)ModelStorageEnv.DefaultShutdownTimeout.TotalSeconds, 0, 3600, errors)),
            DrainPeriod = Duration(values, ModelStorageEnv.DrainPeriod, ModelStorageEnv.DefaultDrainPeriod, TimeSpan.Zero, TimeSpan.FromMinutes(10), errors),
            // Credentials only from the environment (valueFrom a Secret), never as flags: a command line is visible to every process.
            S3AccessKeyId = SecretText.FromEnvironment(environment, ModelStorageEnv.S3AccessKeyId),
            S3SecretAccessKey = SecretText.FromEnvironment(environment, ModelStorageEnv.S3SecretAccessKey),
            S3CredentialsSecret = environment(ModelStorageEnv.S3CredentialsSecret) is { Length: > 0 } s3Secret ? s3Secret : null,
            HttpHeaderName = Get(values, ModelStorageEnv.HttpHeaderName),
            HttpHeaderValue = SecretText.FromEnvironment(environment, ModelStorageEnv.HttpHeaderValue),
            HttpHeaderSecret = environment(ModelStorageEnv.HttpHeaderSecret) is { Length: > 0 } headerSecret ? headerSecret : null,
            LogFormat = Get(values, "LOG_FORMAT") ?? "text",
            ProfileUri = Get(values, "MODEL_PROFILE_URI"),
            ProfileSha256 = Get(values, "MODEL_PROFILE_SHA256")?.ToLowerInvariant(),
            DriftWindow = Duration(values, "DRIFT_WINDOW", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1), TimeSpan.FromDays(1), errors),
            DriftBucket = Duration(values, "DRIFT_BUCKET", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1), errors),
            DriftPsiThreshold = Double(values, "DRIFT_PSI_THRESHOLD", 0.25, 1e-9, 1e9, errors),
            DriftJsThreshold = values.ContainsKey("DRIFT_JS_THRESHOLD") ? Double(values, "DRIFT_JS_THRESHOLD", 0, 1e-9, 1, errors) : null,
            DriftMinSamples = Int(values, "DRIFT_MIN_SAMPLES", 100, 1, int.MaxValue, errors),
            PredictionBuckets = Buckets(values, errors),
            MaxBatchSize = Int(values, "MAX_BATCH_SIZE", 0, 0, 65_536, errors),
            MaxBatchDelay = Duration(values, "MAX_BATCH_DELAY", TimeSpan.FromMilliseconds(1), TimeSpan.Zero, TimeSpan.FromSeconds(1), errors),
        };

        if (options.MetricsPort is { } metricsPort && metricsPort == options.Port && metricsPort != 0)
        {
            errors.Add($"METRICS_PORT {metricsPort} is the same as PORT; give metrics another port, or leave METRICS_PORT unset to serve them on PORT");
        }

        if (options.ModelUri.Length == 0)
        {
            errors.Add("MODEL_URI (--model-uri) is required: a path, file://, http(s):// or s3://bucket/key");
        }

        if (options.ModelName.Length == 0)
        {
            errors.Add("MODEL_NAME (--model-name) is required");
        }
        else if (!ModelNamePattern().IsMatch(options.ModelName))
        {
            errors.Add($"MODEL_NAME \"{options.ModelName}\" is not allowed; use 1-63 characters of a-z, A-Z, 0-9, '.', '_' and '-', starting with a letter or digit");
        }

        if (!ModelNamePattern().IsMatch(options.ModelVersion))
        {
            errors.Add($"MODEL_VERSION \"{options.ModelVersion}\" is not allowed; use 1-63 characters of a-z, A-Z, 0-9, '.', '_' and '-'");
        }

        if (options.ModelSha256 is { } sha && !Sha256Pattern().IsMatch(sha))
        {
            errors.Add($"MODEL_SHA256 \"{sha}\" is not a sha256 digest; expected 64 hexadecimal characters");
        }

        if (options.ProfileSha256 is { } profileSha && !Sha256Pattern().IsMatch(profileSha))
        {
            errors.Add($"MODEL_PROFILE_SHA256 \"{profileSha}\" is not a sha256 digest; expected 64 hexadecimal characters");
        }

        if (options.DriftWindow.Ticks % options.DriftBucket.Ticks != 0)
        {
            errors.Add($"DRIFT_WINDOW ({options.DriftWindow.TotalSeconds:0.###} s) must be a whole multiple of DRIFT_BUCKET ({options.DriftBucket.TotalSeconds:0.###} s)");
        }
        else if (options.DriftWindow.Ticks / options.DriftBucket.Ticks > 10_000)
        {
            errors.Add("DRIFT_WINDOW / DRIFT_BUCKET must be at most 10000 buckets");
        }

        if (options.LogFormat is not ("text" or "json"))
        {
            errors.Add($"LOG_FORMAT \"{options.LogFormat}\" is not allowed; use text or json");
        }

        if (options.HttpHeaderName is { } header && ModelStorageEnv.HeaderNameProblem(header) is { } headerProblem)
        {
            errors.Add($"{ModelStorageEnv.HttpHeaderName} {headerProblem}");
        }
        else if (options.HttpHeaderName is null && (options.HttpHeaderValue is not null || options.HttpHeaderSecret is not null))
        {
            errors.Add($"{ModelStorageEnv.HttpHeaderValue} is set but {ModelStorageEnv.HttpHeaderName} is not; name the header to send, e.g. Authorization");
        }

        if (options.S3Endpoint is { } endpoint && !Uri.TryCreate(endpoint, UriKind.Absolute, out _))
        {
            errors.Add($"S3_ENDPOINT \"{endpoint}\" is not an absolute URL such as http://127.0.0.1:9000");
        }

        return options;
    }

    private static string? Get(Dictionary<string, string> values, string key) => values.TryGetValue(key, out var v) ? v : null;

    private static int Int(Dictionary<string, string> values, string key, int fallback, int min, int max, List<string> errors) =>
        (int)Long(values, key, fallback, min, max, errors, "a whole number");

    private static long Long(Dictionary<string, string> values, string key, long fallback, long min, long max, List<string> errors, string what = "a whole number of bytes")
    {
        if (!values.TryGetValue(key, out var text))
        {
            return fallback;
        }

        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        errors.Add($"{key} \"{text}\" is not allowed; expected {what} from {min} to {max}");
        return fallback;
    }

    private static double Double(Dictionary<string, string> values, string key, double fallback, double min, double max, List<string> errors)
    {
        if (!values.TryGetValue(key, out var text))
        {
            return fallback;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        errors.Add($"{key} \"{text}\" is not allowed; expected a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");
        return fallback;
    }

    // The operator passes spec.runtime durations through verbatim, so the server reads exactly the grammar the CRD
    // pattern and the operator's validation accept (GoDuration); anything else would crash-loop the pods.
    private static TimeSpan Duration(Dictionary<string, string> values, string key, TimeSpan fallback, TimeSpan min, TimeSpan max, List<string> errors)
    {
        if (!values.TryGetValue(key, out var text))
        {
            return fallback;
        }

        if (GoDuration.TryParse(text, out var value) && value >= min && value <= max)
        {
            return value;
        }

        errors.Add($"{key} \"{text}\" is not allowed; expected {GoDuration.Allowed}, from {GoDuration.Format(min)} to {GoDuration.Format(max)}");
        return fallback;
    }

    private static double[] Buckets(Dictionary<string, string> values, List<string> errors)
    {
        if (!values.TryGetValue("PREDICTION_BUCKETS", out var text))
        {
            return ServerOptions.DefaultPredictionBuckets;
        }

        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var buckets = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out buckets[i]) || !double.IsFinite(buckets[i])
                || (i > 0 && buckets[i] <= buckets[i - 1]))
            {
                errors.Add($"PREDICTION_BUCKETS \"{text}\" is not allowed; expected finite numbers in increasing order, comma-separated, e.g. 0.1,0.2,0.5,1");
                return ServerOptions.DefaultPredictionBuckets;
            }
        }

        if (buckets.Length is 0 or > 100)
        {
            errors.Add($"PREDICTION_BUCKETS has {buckets.Length} bounds; 1 to 100 are allowed");
            return ServerOptions.DefaultPredictionBuckets;
        }

        return buckets;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")]
    private static partial Regex ModelNamePattern();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Pattern();
}
