namespace ModelOperator.Contracts;

/// <summary>
/// How the operator tells a stable revision's model servers to mirror a share of their requests to a candidate
/// revision (a <c>shadow</c> rollout step), and the metric families in which those servers report what they saw.
/// </summary>
/// <remarks>
/// The share changes while a rollout runs, and an env change would restart every stable pod, so the instruction travels
/// in a ConfigMap the operator owns (<c>&lt;md-name&gt;</c> + <see cref="ConfigMapSuffix"/>, key <see cref="ConfigKey"/>),
/// mounted (optional) at <see cref="MountPath"/> on every revision's pods. The kubelet refreshes a mounted ConfigMap's
/// files without a restart; the server re-reads the file named by the variable
/// <see cref="ConfigFileEnv"/> every <see cref="ReloadInterval"/>. A missing file, or a file whose
/// <see cref="ShadowInstruction.Source"/> is not the server's own revision, means "mirror nothing".
/// The file is JSON (camelCase): <c>{"source":"churn-1e9a6539eb","target":"http://churn-04115c9a7b.ns.svc:8080","percent":20,"tolerance":0.01}</c>.
/// </remarks>
public static class ShadowContract
{
    /// <summary>The ConfigMap's name is the ModelDeployment's name with this suffix.</summary>
    public const string ConfigMapSuffix = "-shadow";

    /// <summary>The ConfigMap key (and file name) of the instruction.</summary>
    public const string ConfigKey = "shadow.json";

    /// <summary>Where the ConfigMap is mounted on the server container.</summary>
    public const string MountPath = "/etc/modeloperator/shadow";

    /// <summary>The variable naming the instruction file (the operator sets <see cref="MountPath"/>/<see cref="ConfigKey"/>).</summary>
    public const string ConfigFileEnv = "SHADOW_CONFIG_FILE";

    /// <summary>The variable carrying the pod's own revision name, compared with <see cref="ShadowInstruction.Source"/>.</summary>
    public const string RevisionEnv = "MODEL_REVISION";

    /// <summary>How often the server re-reads the instruction file.</summary>
    public static readonly TimeSpan ReloadInterval = TimeSpan.FromSeconds(2);

    /// <summary>Counter of copies on the mirroring (stable) server, labelled by <see cref="CopyOutcomeLabel"/>:
    /// <c>compared</c> (the candidate answered and both answers were compared), <c>failed</c> (the candidate answered with
    /// an error or not in time), <c>dropped</c> (the copy queue was full: never sent).</summary>
    public const string Copies = "modelserver_shadow_copies_total";

    /// <summary>Counter of compared copies whose every output was within the tolerance, on the mirroring server.</summary>
    public const string Agreements = "modelserver_shadow_agreements_total";

    /// <summary>Histogram of the absolute difference between candidate and stable, per output (<see cref="ModelServerMetricNames.OutputLabel"/>).</summary>
    public const string AbsoluteDifference = "modelserver_shadow_absolute_difference";

    /// <summary>Counter of compared copies of classifier outputs, labelled by output and <see cref="TopClassLabel"/> (<c>agree</c>, <c>disagree</c>).</summary>
    public const string TopClass = "modelserver_shadow_top_class_total";

    /// <summary>Histogram of the candidate's latency on the copies (seconds), on the mirroring server.</summary>
    public const string CandidateDuration = "modelserver_shadow_candidate_duration_seconds";

    public const string CopyOutcomeLabel = "outcome";
    public const string TopClassLabel = "result";

    public const string Compared = "compared";
    public const string Failed = "failed";
    public const string Dropped = "dropped";
}

/// <summary>The content of the instruction file (see <see cref="ShadowContract"/>).</summary>
/// <param name="Source">The revision whose servers mirror (the stable revision).</param>
/// <param name="Target">The base URL of the candidate revision's Service, <c>http://&lt;revision&gt;.&lt;namespace&gt;.svc:&lt;port&gt;</c>.</param>
/// <param name="Percent">The share of requests copied, 0 to 100.</param>
/// <param name="Tolerance">The largest absolute difference per output value that still counts as agreement.</param>
public sealed record ShadowInstruction(string Source, string Target, double Percent, double Tolerance);
