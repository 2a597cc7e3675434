using ModelOperator.Rollouts.Canary;

namespace ModelOperator.Rollouts.Planning;

/// <summary>
/// Which revision the ModelDeployment's own Service (<c>&lt;md-name&gt;</c>) selects (pure). That Service is what
/// in-cluster clients call, so it must never hand them a revision that should get no traffic.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>mode, backends</term><description>the Service selects</description></listheader>
/// <item><term>replicas, stable + canary</term><description>every pod (null): the split is the ready-pod ratio</description></item>
/// <item><term>replicas, stable + warm previous (just promoted)</term><description>every pod (null): the previous revision carries load until the new stable is ready</description></item>
/// <item><term>replicas, one backend (steady, bake, after a rollback)</term><description>that revision only</description></item>
/// <item><term>replicas, stable + canary at weight 0 (a shadow step)</term><description>the stable revision only: the canary answers copies, never users</description></item>
/// <item><term>gatewayAPI, any</term><description>the stable revision only: the weights live on the HTTPRoute, which
/// reaches each revision through its own Service; a Service selecting both would split by pods and bypass them</description></item>
/// <item><term>no backend</term><description>every pod (null): nothing to narrow to</description></item>
/// </list>
/// </remarks>
public static class MainServiceSelector
{
    /// <returns>The revision to select, or null for every pod of the ModelDeployment.</returns>
    public static string? RevisionFor(TrafficRoutingMode mode, IReadOnlyList<TrafficBackend> backends)
    {
        ArgumentNullException.ThrowIfNull(backends);
        if (backends.Count == 0)
        {
            return null;
        }

        // A canary at weight 0 (a shadow step, where it answers only copies) must get no user request.
        return mode == TrafficRoutingMode.GatewayApi || backends.Count == 1 || backends[^1].Weight == 0 ? backends[0].Revision : null;
    }
}
