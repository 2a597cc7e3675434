using System.Globalization;
using System.Text.RegularExpressions;

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
        ["--ort-library"] = "ORT_LIBRARY_PATH",
        ["--model-cache-dir"] = "MODEL_CACHE_DIR",
        ["--max-request-bytes"] = "MAX_REQUEST_BYTES",
        ["--model-download-timeout"] = "MODEL_DOWNLOAD_TIMEOUT",
        ["--model-download-attempts"] = "MODEL_DOWNLOAD_ATTEMPTS",
        ["--s3-endpoint"] = "S3_ENDPOINT",
        ["--shutdown-timeout"] = "SHUTDOWN_TIMEOUT",
        ["--log-format"] = "LOG_FORMAT",
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
            OrtLibraryPath = Get(values, "ORT_LIBRARY_PATH"),
            CacheDirectory = Get(values, "MODEL_CACHE_DIR") ?? Path.Combine(Path.GetTempPath(), "modelserver"),
            MaxRequestBytes = values.ContainsKey("MAX_REQUEST_BYTES") ? Int(values, "MAX_REQUEST_BYTES", 0, 1024, int.MaxValue, errors) : null,
            DownloadTimeout = TimeSpan.FromSeconds(Int(values, "MODEL_DOWNLOAD_TIMEOUT", 120, 1, 86_400, errors)),
            DownloadAttempts = Int(values, "MODEL_DOWNLOAD_ATTEMPTS", 4, 1, 20, errors),
            S3Endpoint = s3Endpoint,
            S3Region = environment("AWS_REGION") ?? environment("AWS_DEFAULT_REGION") ?? "us-east-1",
            ShutdownTimeout = TimeSpan.FromSeconds(Int(values, "SHUTDOWN_TIMEOUT", 25, 0, 3600, errors)),
            LogFormat = Get(values, "LOG_FORMAT") ?? "text",
        };

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

        if (options.LogFormat is not ("text" or "json"))
        {
            errors.Add($"LOG_FORMAT \"{options.LogFormat}\" is not allowed; use text or json");
        }

        if (options.S3Endpoint is { } endpoint && !Uri.TryCreate(endpoint, UriKind.Absolute, out _))
        {
            errors.Add($"S3_ENDPOINT \"{endpoint}\" is not an absolute URL such as http://127.0.0.1:9000");
        }

        return options;
    }

    private static string? Get(Dictionary<string, string> values, string key) => values.TryGetValue(key, out var v) ? v : null;

    private static int Int(Dictionary<string, string> values, string key, int fallback, int min, int max, List<string> errors)
    {
        if (!values.TryGetValue(key, out var text))
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        errors.Add($"{key} \"{text}\" is not allowed; expected a whole number from {min} to {max}");
        return fallback;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")]
    private static partial Regex ModelNamePattern();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Pattern();
}
