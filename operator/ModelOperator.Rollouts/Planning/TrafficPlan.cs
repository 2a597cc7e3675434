using ModelOperator.Rollouts.Canary;

namespace ModelOperator.Rollouts.Planning;

/// <summary>One revision that receives traffic, with its share in percent.</summary>
public sealed record TrafficBackend(string Revision, int Weight);

/// <summary>
/// Where traffic should go. With <see cref="TrafficRoutingMode.GatewayApi"/>, the operator sets these weights on the
/// backendRefs of <see cref="HttpRoute"/> (one Service per revision, named after the revision). With
/// <see cref="TrafficRoutingMode.ReplicaRatio"/>, the weights are achieved by replica counts: the serving Service selects
/// every pod of the ModelDeployment when there are two backends, and only the one revision's pods
/// (<c>modeloperator.io/revision</c>) when there is one, which keeps a warm previous revision out of traffic during bake
/// and cuts a rolled-back canary off at once. With Gateway API routing the serving Service selects the stable revision
/// only (<see cref="MainServiceRevision"/>).
/// </summary>
public sealed record TrafficPlan
{
    public required TrafficRoutingMode Mode { get; init; }

    /// <summary>The HTTPRoute to update (Gateway API only).</summary>
    public string? HttpRoute { get; init; }

    /// <summary>The stable backend first, then the canary (present while a canary runs, even at weight 0).</summary>
    public required IReadOnlyList<TrafficBackend> Backends { get; init; }

    /// <summary>The revision the ModelDeployment's own Service selects; null: every pod (<see cref="MainServiceSelector"/>).</summary>
    public string? MainServiceRevision => MainServiceSelector.RevisionFor(Mode, Backends);
}
