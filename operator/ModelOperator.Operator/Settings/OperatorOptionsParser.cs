using System.Globalization;
using ModelOperator.Api;

namespace ModelOperator.Operator.Settings;

/// <summary>
/// Reads <see cref="OperatorOptions"/> from environment variables and flags, the way the model server does:
/// each setting is a variable (<c>DEFAULT_IMAGE</c>) or a flag (<c>--default-image x</c> or <c>--default-image=x</c>);
/// the flag wins. Unknown flags and unreadable values are reported together with the validation problems.
/// </summary>
public static class OperatorOptionsParser
{
    /// <summary>The settings: environment variable, flag, and what the value means (for <c>--help</c>).</summary>
    public static IReadOnlyList<(string Env, string Flag, string Help)> Settings { get; } =
    [
        ("DEFAULT_IMAGE", "--default-image", "model server image when spec.runtime.image is not set"),
        ("WATCH_NAMESPACE", "--watch-namespace", "the one namespace to watch; empty watches all"),
        ("LEADER_ELECT", "--leader-elect", "true/false: reconcile only while holding the leader Lease"),
        ("LEASE_NAME", "--lease-name", "name of the leader Lease"),
        ("LEASE_NAMESPACE", "--lease-namespace", "namespace of the leader Lease (default: the operator's namespace)"),
        ("HTTP_HOST", "--http-host", "listen address of /healthz, /readyz and /metrics"),
        ("HTTP_PORT", "--http-port", "listen port of /healthz, /readyz and /metrics"),
        ("RESYNC_PERIOD", "--resync-period", "duration: reconcile every ModelDeployment at least this often"),
        ("WORKERS", "--workers", "ModelDeployments reconciled at once"),
        ("MAX_RESTARTS", "--max-restarts", "canary container restarts tolerated before it counts as crash-looping"),
        ("ANALYSIS_TIMEOUT", "--analysis-timeout", "duration: timeout of one analysis query or pod scrape"),
        ("MODELSERVER_PORT", "--modelserver-port", "port of the model server in its pods"),
        ("POD_PORT_ANNOTATION", "--pod-port-annotation", "pod annotation that overrides that port (the local sandbox's modeloperator.io/sandbox-port); off by default"),
        ("IMAGE_ALLOWLIST", "--image-allowlist", "comma-separated image prefixes spec.runtime.image must start with (e.g. registry.example.com/ml/); empty allows every image; DEFAULT_IMAGE is always allowed"),
        ("ALLOW_CONTROL_PLANE_TOLERATIONS", "--allow-control-plane-tolerations", "true/false: let serving pods tolerate control-plane taints (or every taint); false by default"),
        ("MODELSERVER_METRICS_PORT", "--modelserver-metrics-port", "port of the model server's /metrics and /stats when apart from MODELSERVER_PORT (its METRICS_PORT); empty: the same port"),
        ("MAX_RESPONSE_BYTES", "--max-response-bytes", "most bytes read from one answer of a pod or Prometheus"),
        ("OUTBOUND_CONCURRENCY", "--outbound-concurrency", "outbound HTTP calls (pod scrapes, probes, Prometheus queries) one reconcile makes at once"),
        ("OUTBOUND_DEADLINE", "--outbound-deadline", "duration: time all outbound calls of one reconcile may take together"),
        ("OUTBOUND_MAX_CONNECTIONS_PER_SERVER", "--outbound-max-connections-per-server", "connections kept open to one pod or Prometheus"),
        ("PROMETHEUS_ALLOWED_ADDRESSES", "--prometheus-allowed-addresses", "comma-separated URLs a ModelDeployment's prometheus provider may name; empty allows none"),
        ("KUBECONFIG", "--kubeconfig", "kubeconfig path (default: in-cluster, else ~/.kube/config)"),
        ("KUBE_CONTEXT", "--context", "kubeconfig context (default: its current-context)"),
    ];

    /// <summary>Parses and validates. <paramref name="problems"/> is empty when the options are usable.</summary>
    public static OperatorOptions Parse(IReadOnlyList<string> args, Func<string, string?> getEnvironmentVariable, out IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        var errors = new List<string>();
        var flags = ReadFlags(args, errors);
        string? Value(string env, string flag) =>
            flags.TryGetValue(flag, out var fromFlag) ? fromFlag : getEnvironmentVariable(env) is { Length: > 0 } fromEnv ? fromEnv : null;

        var defaults = new OperatorOptions();
        var options = new OperatorOptions
        {
            DefaultImage = Value("DEFAULT_IMAGE", "--default-image") ?? defaults.DefaultImage,
            WatchNamespace = Value("WATCH_NAMESPACE", "--watch-namespace"),
            LeaderElection = Bool(Value("LEADER_ELECT", "--leader-elect"), "LEADER_ELECT (--leader-elect)", defaults.LeaderElection, errors),
            LeaseName = Value("LEASE_NAME", "--lease-name") ?? defaults.LeaseName,
            LeaseNamespace = Value("LEASE_NAMESPACE", "--lease-namespace"),
            HttpHost = Value("HTTP_HOST", "--http-host") ?? defaults.HttpHost,
            HttpPort = Int(Value("HTTP_PORT", "--http-port"), "HTTP_PORT (--http-port)", defaults.HttpPort, errors),
            ResyncPeriod = Duration(Value("RESYNC_PERIOD", "--resync-period"), "RESYNC_PERIOD (--resync-period)", defaults.ResyncPeriod, errors),
            Workers = Int(Value("WORKERS", "--workers"), "WORKERS (--workers)", defaults.Workers, errors),
            MaxRestarts = Int(Value("MAX_RESTARTS", "--max-restarts"), "MAX_RESTARTS (--max-restarts)", defaults.MaxRestarts, errors),
            AnalysisTimeout = Duration(Value("ANALYSIS_TIMEOUT", "--analysis-timeout"), "ANALYSIS_TIMEOUT (--analysis-timeout)", defaults.AnalysisTimeout, errors),
            ModelServerPort = Int(Value("MODELSERVER_PORT", "--modelserver-port"), "MODELSERVER_PORT (--modelserver-port)", defaults.ModelServerPort, errors),
            PodPortAnnotation = Value("POD_PORT_ANNOTATION", "--pod-port-annotation"),
            ImageAllowlist = List(Value("IMAGE_ALLOWLIST", "--image-allowlist")),
            AllowControlPlaneTolerations = Bool(Value("ALLOW_CONTROL_PLANE_TOLERATIONS", "--allow-control-plane-tolerations"), "ALLOW_CONTROL_PLANE_TOLERATIONS (--allow-control-plane-tolerations)", defaults.AllowControlPlaneTolerations, errors),
            ModelServerMetricsPort = Value("MODELSERVER_METRICS_PORT", "--modelserver-metrics-port") is { } metricsPort
                ? Int(metricsPort, "MODELSERVER_METRICS_PORT (--modelserver-metrics-port)", 0, errors)
                : null,
            MaxResponseBytes = Int(Value("MAX_RESPONSE_BYTES", "--max-response-bytes"), "MAX_RESPONSE_BYTES (--max-response-bytes)", defaults.MaxResponseBytes, errors),
            OutboundConcurrency = Int(Value("OUTBOUND_CONCURRENCY", "--outbound-concurrency"), "OUTBOUND_CONCURRENCY (--outbound-concurrency)", defaults.OutboundConcurrency, errors),
            OutboundDeadline = Duration(Value("OUTBOUND_DEADLINE", "--outbound-deadline"), "OUTBOUND_DEADLINE (--outbound-deadline)", defaults.OutboundDeadline, errors),
            OutboundMaxConnectionsPerServer = Int(Value("OUTBOUND_MAX_CONNECTIONS_PER_SERVER", "--outbound-max-connections-per-server"), "OUTBOUND_MAX_CONNECTIONS_PER_SERVER (--outbound-max-connections-per-server)", defaults.OutboundMaxConnectionsPerServer, errors),
            PrometheusAllowedAddresses = List(Value("PROMETHEUS_ALLOWED_ADDRESSES", "--prometheus-allowed-addresses")),
            Kubeconfig = Value("KUBECONFIG", "--kubeconfig"),
            KubeContext = Value("KUBE_CONTEXT", "--context"),
        };
        errors.AddRange(options.Validate());
        problems = errors;
        return options;
    }

    /// <summary>The usage text: one line per setting.</summary>
    public static string Usage() =>
        "usage: modeloperator [--flag value]...\n" +
        string.Join('\n', Settings.Select(s => $"  {s.Flag,-22} {s.Env,-18} {s.Help}"));

    private static Dictionary<string, string> ReadFlags(IReadOnlyList<string> args, List<string> errors)
    {
        var known = Settings.Select(s => s.Flag).ToHashSet(StringComparer.Ordinal);
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? arg[..eq] : arg;
            if (!known.Contains(name))
            {
                errors.Add($"unknown argument '{arg}'; the flags are {string.Join(", ", known)}");
                continue;
            }

            if (eq > 0)
            {
                flags[name] = arg[(eq + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                flags[name] = args[++i];
            }
            else
            {
                errors.Add($"flag {name} needs a value");
            }
        }

        return flags;
    }

    private static bool Bool(string? text, string name, bool fallback, List<string> errors)
    {
        if (text is null)
        {
            return fallback;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        errors.Add($"{name} is '{text}'; it must be true or false");
        return fallback;
    }

    /// <summary>A comma-separated list; blank entries (a trailing comma) are dropped, so an empty text is an empty list.</summary>
    private static IReadOnlyList<string> List(string? text) =>
        text is null ? [] : text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static int Int(string? text, string name, int fallback, List<string> errors)
    {
        if (text is null)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors.Add($"{name} is '{text}'; it must be a whole number");
        return fallback;
    }

    private static TimeSpan Duration(string? text, string name, TimeSpan fallback, List<string> errors)
    {
        if (text is null)
        {
            return fallback;
        }

        if (GoDuration.TryParse(text, out var value))
        {
            return value;
        }

        errors.Add($"{name} is '{text}'; it must be a duration such as 500ms, 30s, 5m or 1h");
        return fallback;
    }
}
