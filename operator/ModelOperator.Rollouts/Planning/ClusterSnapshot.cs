using ModelOperator.Kubernetes.Models;
using ModelOperator.Rollouts.Autoscaling;

namespace ModelOperator.Rollouts.Planning;

/// <summary>
/// An immutable record of what exists for one ModelDeployment, gathered before planning (Argo Rollouts'
/// <c>rollout/context.go</c>): its revisions' Deployments and pod health, the HTTPRoute, and each revision's load.
/// </summary>
public sealed record ClusterSnapshot
{
    /// <summary>An empty cluster: nothing created yet.</summary>
    public static ClusterSnapshot Empty { get; } = new();

    /// <summary>Every Deployment labelled with the ModelDeployment's name, one per revision.</summary>
    public IReadOnlyList<RevisionState> Revisions { get; init; } = [];

    /// <summary>The HTTPRoute named by <c>spec.rollout.trafficRouting.gatewayAPI.httpRoute</c>; null when absent or not used.</summary>
    public HttpRoute? Route { get; init; }

    /// <summary>Each running revision's load (for autoscaling), by revision name; missing means unknown.</summary>
    public IReadOnlyDictionary<string, LoadObservation> Load { get; init; } = new Dictionary<string, LoadObservation>(StringComparer.Ordinal);

    /// <summary>The revision of <paramref name="name"/>, or null.</summary>
    public RevisionState? Find(string? name) =>
        name is null ? null : Revisions.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.Ordinal));
}
