using ModelOperator.Api;

namespace ModelOperator.SandboxHost.Soak;

/// <summary>One look at the ModelDeployment's status, as the API server held it at <paramref name="Time"/>.</summary>
public sealed record StatusSample(DateTimeOffset Time, ModelDeploymentStatus Status);

/// <summary>A Deployment or Service of the ModelDeployment's namespace, with the labels that name its owner and revision.</summary>
/// <param name="Kind"><c>Deployment</c> or <c>Service</c>.</param>
/// <param name="Owner">The <c>modeloperator.io/deployment</c> label (null: not the operator's).</param>
/// <param name="Revision">The <c>modeloperator.io/revision</c> label (null on the main Service).</param>
public sealed record ChildObject(string Kind, string Name, string? Owner, string? Revision);

/// <summary>Every Deployment and Service seen in one list call.</summary>
public sealed record ChildrenSample(DateTimeOffset Time, IReadOnlyList<ChildObject> Children);

/// <summary>An inference request that was answered with 200 through the Service proxy, and the model version the answer named.</summary>
public sealed record ServedAnswer(DateTimeOffset Sent, DateTimeOffset Answered, string Version);

/// <summary>A model metadata answer (<c>GET /v2/models/{name}</c>) through the Service proxy: the version and sha256 of the model that answered.</summary>
public sealed record MetadataAnswer(DateTimeOffset Time, string Version, string Sha256);

/// <summary>An Event recorded on the ModelDeployment; <paramref name="Count"/> is how many times it happened (repeats are aggregated).</summary>
public sealed record EventRecord(string Type, string Reason, string Message, int Count = 1);

/// <summary>The resident memory of one operator process at one time; <paramref name="Started"/> is when the soak started that process.</summary>
public sealed record RssSample(int Pid, DateTimeOffset Started, DateTimeOffset Time, long Bytes);

/// <summary>How a rollout round ended.</summary>
public enum RoundOutcome
{
    /// <summary>The round's revision became stable.</summary>
    Promoted,

    /// <summary>The round's revision was taken out (rolled back and quarantined).</summary>
    RolledBack,

    /// <summary>Neither happened before the round's deadline (or the run ended).</summary>
    Unfinished,
}

/// <summary>One rollout the soak started: a model version applied with a fresh revision.</summary>
/// <param name="Revision">The revision the operator made of it (null: never seen in status).</param>
/// <param name="Reason">The reason of the decision that ended it (or why it is unfinished).</param>
public sealed record RoundRecord(int Round, string Version, bool Bad, DateTimeOffset Started, string? Revision, RoundOutcome Outcome, string? Reason, DateTimeOffset Ended);

/// <summary>Everything the soak observed, for <see cref="SoakInvariants"/>.</summary>
public sealed record SoakHistory
{
    public IReadOnlyList<StatusSample> Statuses { get; init; } = [];

    public IReadOnlyList<ChildrenSample> Children { get; init; } = [];

    public IReadOnlyList<ServedAnswer> Answers { get; init; } = [];

    public IReadOnlyList<MetadataAnswer> Metadata { get; init; } = [];

    /// <summary>The Events on the ModelDeployment, listed after the last status sample.</summary>
    public IReadOnlyList<EventRecord> Events { get; init; } = [];

    public IReadOnlyList<RssSample> Rss { get; init; } = [];

    public IReadOnlyList<RoundRecord> Rounds { get; init; } = [];

    /// <summary>When the soak killed operator processes (SIGKILL).</summary>
    public IReadOnlyList<DateTimeOffset> OperatorKills { get; init; } = [];

    /// <summary>The model versions the soak rolls out as bad ones (their analysis must fail).</summary>
    public IReadOnlySet<string> BadVersions { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The sha256 of each model version, from the manifests the soak applied.</summary>
    public IReadOnlyDictionary<string, string> Sha256ByVersion { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
