using ModelOperator.Operator.Http;

namespace ModelOperator.Operator.Settings;

/// <summary>
/// The operator's settings, read once at start from environment variables and flags (<see cref="OperatorOptionsParser"/>).
/// Every field has a default that works in a cluster; <see cref="Validate"/> lists every bad value at once.
/// </summary>
public sealed record OperatorOptions
{
    /// <summary>The model server image used when <c>spec.runtime.image</c> is not set.</summary>
    public string DefaultImage { get; init; } = "modeloperator/modelserver:0.1.0";

    /// <summary>The namespaces to watch (each with informers of its own); empty watches every namespace.</summary>
    public IReadOnlyList<string> WatchNamespaces { get; init; } = [];

    /// <summary>Whether to reconcile only while holding the leader Lease (needed with more than one operator replica).</summary>
    public bool LeaderElection { get; init; } = true;

    /// <summary>The name of the leader Lease.</summary>
    public string LeaseName { get; init; } = "modeloperator-leader";

    /// <summary>The namespace of the leader Lease; null means the namespace the operator runs in (in-cluster) or the kubeconfig's.</summary>
    public string? LeaseNamespace { get; init; }

    /// <summary>The port of the HTTP endpoints <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>.</summary>
    public int HttpPort { get; init; } = 8081;

    /// <summary>The address the HTTP endpoints listen on.</summary>
    public string HttpHost { get; init; } = "0.0.0.0";

    /// <summary>How often every ModelDeployment is reconciled even when nothing changed.</summary>
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>ModelDeployments reconciled at once (never the same one twice).</summary>
    public int Workers { get; init; } = 2;

    /// <summary>Container restarts of a canary revision tolerated before it counts as crash-looping.</summary>
    public int MaxRestarts { get; init; } = 3;


    /// <summary>The timeout of one analysis query (a Prometheus query or one pod scrape).</summary>
    public TimeSpan AnalysisTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The port the model server listens on in its pods.</summary>
    public int ModelServerPort { get; init; } = 8080;

    /// <summary>
    /// A pod annotation that, when a pod carries it, gives the model server's port instead of <see cref="ModelServerPort"/>.
    /// Off (null) in a cluster, where every pod has its own IP. The local sandbox runs every pod on one loopback address,
    /// each on its own port, and names it in <c>modeloperator.io/sandbox-port</c>.
    /// </summary>
    public string? PodPortAnnotation { get; init; }

    /// <summary>
    /// Image prefixes that <c>spec.runtime.image</c> must start with, set by the cluster admin; empty allows every image.
    /// <see cref="DefaultImage"/> is always allowed. A refused image is a status condition and an Event, never a Deployment.
    /// </summary>
    public IReadOnlyList<string> ImageAllowlist { get; init; } = [];

    /// <summary>Whether serving pods may tolerate the control-plane taints or every taint (an admin's opt-in; off by default).</summary>
    public bool AllowControlPlaneTolerations { get; init; }

    /// <summary>
    /// The port the model server serves <c>/metrics</c> and <c>/stats</c> on, apart from inference (its <c>METRICS_PORT</c>);
    /// null serves them on <see cref="ModelServerPort"/> as before. The operator scrapes pods there, so a NetworkPolicy can
    /// open inference to everyone and metrics only to monitoring and the operator.
    /// </summary>
    public int? ModelServerMetricsPort { get; init; }

    /// <summary>The most bytes read from one outbound answer (a pod scrape, a probe, a Prometheus query); reading stops there with an error.</summary>
    public int MaxResponseBytes { get; init; } = 4 << 20;

    /// <summary>Outbound HTTP calls one reconcile makes at once (pods scraped or probed in parallel, Prometheus queries).</summary>
    public int OutboundConcurrency { get; init; } = 4;

    /// <summary>
    /// The time all outbound calls of one reconcile may take together; calls still running then end with an error, so a
    /// ModelDeployment whose pods never answer holds a worker for at most this long.
    /// </summary>
    public TimeSpan OutboundDeadline { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Connections kept open to one address (one pod, one Prometheus) by the shared outbound connection pool.</summary>
    public int OutboundMaxConnectionsPerServer { get; init; } = 4;

    /// <summary>
    /// The Prometheus addresses a ModelDeployment's <c>prometheus</c> provider may name (absolute http(s) URLs; an address is
    /// allowed when its scheme, host and port equal an entry's and its path starts with the entry's path). Empty allows
    /// none: a tenant must not be able to point the operator at an internal service the cluster admin did not name.
    /// </summary>
    public IReadOnlyList<string> PrometheusAllowedAddresses { get; init; } = [];

    /// <summary>
    /// The URL prefixes a user metric's <c>web</c> source may GET and a rollout webhook may POST to (same grammar as <see cref="PrometheusAllowedAddresses"/>).
    /// Empty allows none: the operator calls from its own network position, so a tenant must not reach through it what
    /// its pods could not.
    /// </summary>
    public IReadOnlyList<string> AnalysisWebAllowedPrefixes { get; init; } = [];

    /// <summary>An explicit kubeconfig path; null uses in-cluster config in a pod, else <c>KUBECONFIG</c> or <c>~/.kube/config</c>.</summary>
    public string? Kubeconfig { get; init; }

    /// <summary>The kubeconfig context; null uses its current-context.</summary>
    public string? KubeContext { get; init; }

    /// <summary>
    /// The problems no single setting shows (the bounds of each are in <see cref="OperatorOptionsParser.Table"/>): a
    /// metrics port equal to the server port, and why a Prometheus address is not usable. One line each, naming the setting.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (ModelServerMetricsPort is { } metricsPort && metricsPort == ModelServerPort)
        {
            problems.Add($"MODELSERVER_METRICS_PORT (--modelserver-metrics-port) is {metricsPort}; it must not be MODELSERVER_PORT ({ModelServerPort}); leave it unset to serve metrics on MODELSERVER_PORT");
        }

        foreach (var address in PrometheusAllowedAddresses)
        {
            if (AllowedAddresses.Problem(address) is { } problem)
            {
                problems.Add($"PROMETHEUS_ALLOWED_ADDRESSES (--prometheus-allowed-addresses) has '{address}': {problem}");
            }
        }

        foreach (var prefix in AnalysisWebAllowedPrefixes)
        {
            if (AllowedAddresses.Problem(prefix) is { } problem)
            {
                problems.Add($"ANALYSIS_WEB_ALLOWED_PREFIXES (--analysis-web-allowed-prefixes) has '{prefix}': {problem}");
            }
        }

        return problems;
    }

    internal static bool IsDnsLabel(string value) =>
        value.Length is >= 1 and <= 63
        && value.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
        && value[0] != '-' && value[^1] != '-';

    internal static bool IsAnnotationKey(string value)
    {
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var name = slash < 0 ? value : value[(slash + 1)..];
        return (slash < 0 || IsDnsSubdomain(value[..slash]))
            && name.Length is >= 1 and <= 63
            && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1])
            && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
    }

    internal static bool IsDnsSubdomain(string value) =>
        value.Length is >= 1 and <= 253 && value.Split('.').All(IsDnsLabel);
}
