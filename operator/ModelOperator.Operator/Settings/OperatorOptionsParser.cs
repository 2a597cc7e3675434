using ModelOperator.Contracts.Settings;

namespace ModelOperator.Operator.Settings;

/// <summary>
/// Reads <see cref="OperatorOptions"/> with the shared settings reader (<see cref="SettingsTable{TOptions}"/>), as the
/// model server does: each setting is a variable (<c>DEFAULT_IMAGE</c>) or a flag (<c>--default-image x</c> or
/// <c>--default-image=x</c>); the flag wins. Unknown flags, unreadable values and the checks across settings
/// (<see cref="OperatorOptions.Validate"/>) are reported together.
/// </summary>
public static class OperatorOptionsParser
{
    private const string NamespaceName = "a namespace name (lowercase letters, digits and '-', at most 63)";

    /// <summary>The settings. A new setting is one row here and one property in <see cref="OperatorOptions"/>.</summary>
    public static SettingsTable<OperatorOptions> Table { get; } = new("modeloperator", new OperatorOptions(),
    [
        Setting.Text<OperatorOptions>("DEFAULT_IMAGE", "--default-image", "model server image when spec.runtime.image is not set", o => o.DefaultImage, (o, v) => o with { DefaultImage = v },
            v => !v.Any(char.IsWhiteSpace), "an image reference without spaces, e.g. modeloperator/modelserver:0.1.0"),
        Setting.List<OperatorOptions>("WATCH_NAMESPACES", "--watch-namespaces", "the namespaces to watch, comma-separated; empty watches all (WATCH_NAMESPACE, one namespace, is read too)",
            o => o.WatchNamespaces, (o, v) => o with { WatchNamespaces = v }, OperatorOptions.IsDnsLabel, "comma-separated namespace names (lowercase letters, digits and '-', at most 63 each), or empty for all")
            .OrFrom("WATCH_NAMESPACE").WithDefault(_ => "all namespaces"),
        Setting.Bool<OperatorOptions>("LEADER_ELECT", "--leader-elect", "reconcile only while holding the leader Lease", o => o.LeaderElection, (o, v) => o with { LeaderElection = v }),
        Setting.Text<OperatorOptions>("LEASE_NAME", "--lease-name", "name of the leader Lease", o => o.LeaseName, (o, v) => o with { LeaseName = v },
            OperatorOptions.IsDnsSubdomain, "a lowercase DNS name (letters, digits, '-' and '.', at most 253)"),
        Setting.Text<OperatorOptions>("LEASE_NAMESPACE", "--lease-namespace", "namespace of the leader Lease", o => o.LeaseNamespace, (o, v) => o with { LeaseNamespace = v },
            OperatorOptions.IsDnsLabel, NamespaceName).WithDefault(_ => "the operator's namespace"),
        Setting.Text<OperatorOptions>("HTTP_HOST", "--http-host", "listen address of /healthz, /readyz and /metrics", o => o.HttpHost, (o, v) => o with { HttpHost = v }),
        Setting.Int<OperatorOptions>("HTTP_PORT", "--http-port", "listen port of /healthz, /readyz and /metrics; 0 picks a free one", 0, 65535, o => o.HttpPort, (o, v) => o with { HttpPort = v }),
        Setting.Duration<OperatorOptions>("RESYNC_PERIOD", "--resync-period", "reconcile every ModelDeployment at least this often", TimeSpan.FromSeconds(1), TimeSpan.FromDays(1), o => o.ResyncPeriod, (o, v) => o with { ResyncPeriod = v }),
        Setting.Int<OperatorOptions>("WORKERS", "--workers", "ModelDeployments reconciled at once", 1, 64, o => o.Workers, (o, v) => o with { Workers = v }),
        Setting.Int<OperatorOptions>("MAX_RESTARTS", "--max-restarts", "canary container restarts tolerated before it counts as crash-looping", 0, 1000, o => o.MaxRestarts, (o, v) => o with { MaxRestarts = v }),
        Setting.Duration<OperatorOptions>("ANALYSIS_TIMEOUT", "--analysis-timeout", "timeout of one analysis query or pod scrape", TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(5), o => o.AnalysisTimeout, (o, v) => o with { AnalysisTimeout = v }),
        Setting.Int<OperatorOptions>("MODELSERVER_PORT", "--modelserver-port", "port of the model server in its pods", 1, 65535, o => o.ModelServerPort, (o, v) => o with { ModelServerPort = v }),
        Setting.Text<OperatorOptions>("POD_PORT_ANNOTATION", "--pod-port-annotation", "pod annotation that overrides that port (the local sandbox's modeloperator.io/sandbox-port)", o => o.PodPortAnnotation, (o, v) => o with { PodPortAnnotation = v },
            OperatorOptions.IsAnnotationKey, "an annotation key like modeloperator.io/sandbox-port, or empty").WithDefault(_ => "off"),
        Setting.List<OperatorOptions>("IMAGE_ALLOWLIST", "--image-allowlist", "image prefixes spec.runtime.image must start with (e.g. registry.example.com/ml/); empty allows every image; DEFAULT_IMAGE is always allowed",
            o => o.ImageAllowlist, (o, v) => o with { ImageAllowlist = v }, p => p.Length <= 512 && !p.Any(char.IsWhiteSpace),
            "comma-separated image prefixes without spaces (at most 512 characters each), e.g. registry.example.com/ml/"),
        Setting.Bool<OperatorOptions>("ALLOW_CONTROL_PLANE_TOLERATIONS", "--allow-control-plane-tolerations", "let serving pods tolerate control-plane taints (or every taint)", o => o.AllowControlPlaneTolerations, (o, v) => o with { AllowControlPlaneTolerations = v }),
        Setting.OptionalInt<OperatorOptions>("MODELSERVER_METRICS_PORT", "--modelserver-metrics-port", "port of the model server's /metrics and /stats when apart from MODELSERVER_PORT (its METRICS_PORT); unset: the same port", 1, 65535,
            o => o.ModelServerMetricsPort, (o, v) => o with { ModelServerMetricsPort = v }),
        Setting.Int<OperatorOptions>("MAX_RESPONSE_BYTES", "--max-response-bytes", "most bytes read from one answer of a pod or Prometheus", 1024, 256 << 20, o => o.MaxResponseBytes, (o, v) => o with { MaxResponseBytes = v }),
        Setting.Int<OperatorOptions>("OUTBOUND_CONCURRENCY", "--outbound-concurrency", "outbound HTTP calls (pod scrapes, probes, Prometheus queries) one reconcile makes at once", 1, 64, o => o.OutboundConcurrency, (o, v) => o with { OutboundConcurrency = v }),
        Setting.Duration<OperatorOptions>("OUTBOUND_DEADLINE", "--outbound-deadline", "time all outbound calls of one reconcile may take together", TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(10), o => o.OutboundDeadline, (o, v) => o with { OutboundDeadline = v }),
        Setting.Int<OperatorOptions>("OUTBOUND_MAX_CONNECTIONS_PER_SERVER", "--outbound-max-connections-per-server", "connections kept open to one pod or Prometheus", 1, 256, o => o.OutboundMaxConnectionsPerServer, (o, v) => o with { OutboundMaxConnectionsPerServer = v }),
        Setting.List<OperatorOptions>("PROMETHEUS_ALLOWED_ADDRESSES", "--prometheus-allowed-addresses", "URLs a ModelDeployment's prometheus provider may name; empty allows none",
            o => o.PrometheusAllowedAddresses, (o, v) => o with { PrometheusAllowedAddresses = v }),
        Setting.List<OperatorOptions>("ANALYSIS_WEB_ALLOWED_PREFIXES", "--analysis-web-allowed-prefixes", "URL prefixes a user metric's web source may GET and a rollout webhook may POST to; empty allows none",
            o => o.AnalysisWebAllowedPrefixes, (o, v) => o with { AnalysisWebAllowedPrefixes = v }),
        Setting.Text<OperatorOptions>("KUBECONFIG", "--kubeconfig", "kubeconfig path", o => o.Kubeconfig, (o, v) => o with { Kubeconfig = v }).WithDefault(_ => "in-cluster, else ~/.kube/config"),
        Setting.Text<OperatorOptions>("KUBE_CONTEXT", "--context", "kubeconfig context", o => o.KubeContext, (o, v) => o with { KubeContext = v }).WithDefault(_ => "its current-context"),
    ]);

    /// <summary>Parses and validates. <paramref name="problems"/> is empty when the options are usable.</summary>
    public static OperatorOptions Parse(IReadOnlyList<string> args, Func<string, string?> getEnvironmentVariable, out IReadOnlyList<string> problems)
    {
        var (options, read) = Table.Read(args, getEnvironmentVariable);
        problems = [.. read, .. options.Validate()];
        return options;
    }

    /// <summary>The usage text: every setting of the table.</summary>
    public static string Usage() => Table.Usage();
}
