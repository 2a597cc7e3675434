namespace ModelOperator.Rollouts.Analysis;

/// <summary>
/// The health of one revision's pods as observed in the cluster (pods and the model server's readiness).
/// </summary>
public sealed record PodHealth
{
    /// <summary>A revision with no pods observed.</summary>
    public static PodHealth None { get; } = new();

    /// <summary>Pods of the revision that exist (not terminating).</summary>
    public int Pods { get; init; }

    /// <summary>Pods whose Ready condition is True.</summary>
    public int Ready { get; init; }

    /// <summary>The sum of container restart counts over the revision's pods.</summary>
    public int Restarts { get; init; }

    /// <summary>True when a container of a pod waits in <c>CrashLoopBackOff</c>.</summary>
    public bool CrashLooping { get; init; }

    /// <summary>
    /// The model server's not-ready reason word from its ready endpoint, e.g. <c>Loading</c>, <c>ModelNotFound</c>,
    /// <c>ChecksumMismatch</c>, <c>InvalidModel</c>; null when the model is ready (or not reported). When pods disagree,
    /// the operator reports a failure word over <c>Loading</c>.
    /// </summary>
    public string? ModelReason { get; init; }

    /// <summary>The server's message for <see cref="ModelReason"/>.</summary>
    public string? ModelMessage { get; init; }

    /// <summary>True when <see cref="ModelReason"/> is a failure word (<c>DownloadFailed</c>, <c>InvalidModel</c>, …), not "not ready yet".</summary>
    public bool ModelLoadFailed => ModelReason is { } word && !NotFailedModelReasons.Contains(word);

    /// <summary>Model server reason words that mean "not ready yet" rather than "failed".</summary>
    private static readonly HashSet<string> NotFailedModelReasons = new(StringComparer.Ordinal) { "Loading", "Ready", string.Empty };
}
