namespace ModelOperator.Api;

/// <summary>
/// Default values of optional fields. The CRD schema carries them (the API server fills them in), and code that
/// reads an object not defaulted by a server (a unit test, a manifest read from disk) falls back to the same constants.
/// </summary>
public static class ModelDeploymentDefaults
{
    /// <summary>How often the analysis measures the canary.</summary>
    public const string AnalysisInterval = "30s";

    /// <summary>Requests a window must hold before a measurement counts; fewer makes it inconclusive.</summary>
    public const int MinSamples = 50;

    /// <summary>Failed measurements tolerated; the canary is rolled back when the count exceeds it.</summary>
    public const int FailureLimit = 0;

    /// <summary>How long one rollout step may take before the canary is rolled back.</summary>
    public const string ProgressDeadline = "10m";

    /// <summary>How long the promoted revision stays under guard after promotion.</summary>
    public const string BakeTime = "5m";

    /// <summary>The largest absolute difference per output value that a shadow step still counts as agreement.</summary>
    public const double ShadowTolerance = 0.01;

    /// <summary>The smallest replica count autoscaling goes down to.</summary>
    public const int MinReplicas = 1;

    /// <summary>How long load must stay low before autoscaling removes replicas.</summary>
    public const string ScaleDownStabilization = "5m";

    /// <summary>Largest dynamic batch; 0 turns batching off.</summary>
    public const int MaxBatchSize = 0;

    /// <summary>Longest a request waits for a batch to fill.</summary>
    public const string MaxBatchDelay = "1ms";

    /// <summary>How many promoted revisions <c>status.revisionHistory</c> keeps (oldest dropped first).</summary>
    public const int RevisionHistoryLimit = 10;

    /// <summary>How many quarantined revisions <c>status.quarantinedRevisions</c> keeps (oldest dropped first).</summary>
    public const int QuarantineLimit = 10;
}
