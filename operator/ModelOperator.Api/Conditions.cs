namespace ModelOperator.Api;

/// <summary>The condition types a ModelDeployment reports in <c>status.conditions</c>.</summary>
public static class Conditions
{
    /// <summary>The stable revision serves traffic with enough ready replicas.</summary>
    public const string Ready = "Ready";

    /// <summary>A canary is being rolled out (or waits in a pause or an analysis).</summary>
    public const string Progressing = "Progressing";

    /// <summary>Something is wrong that the operator cannot fix alone (crash loop, failed bake, invalid spec).</summary>
    public const string Degraded = "Degraded";

    /// <summary>The last canary was rolled back; the reason says why.</summary>
    public const string RolledBack = "RolledBack";

    /// <summary>
    /// The spec's model (the canary's while one runs, else the stable one's) is loaded by its pods; False carries the model
    /// server's own reason word (<c>DownloadFailed</c>, <c>ModelNotFound</c>, <c>InvalidModel</c>, …) and its message.
    /// </summary>
    public const string ModelReady = "ModelReady";

    /// <summary>The model file (and profile) matched the declared sha256 when the pods loaded it.</summary>
    public const string ModelVerified = "ModelVerified";
}
