using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Rollouts.Canary;
using ModelOperator.Rollouts.Planning;

namespace ModelOperator.Operator.Children;

/// <summary>
/// Builds the Services (pure): <c>&lt;md-name&gt;</c> selects every serving pod of the ModelDeployment (with replica-ratio
/// routing the split follows the ready pods behind it); with Gateway API routing each revision also gets a Service
/// <c>&lt;revision-name&gt;</c> for the HTTPRoute's backends.
/// </summary>
public static class ServiceBuilder
{
    /// <summary>
    /// The Services the traffic plan wants: with replica-ratio routing the main one (narrowed to the one revision when a
    /// single backend gets traffic); with Gateway API routing the main one and one per backend revision.
    /// </summary>
    public static IReadOnlyList<Service> ForTraffic(ModelDeployment md, TrafficPlan traffic)
    {
        ArgumentNullException.ThrowIfNull(traffic);
        return traffic.Mode == TrafficRoutingMode.ReplicaRatio
            ? [BuildMain(md, traffic.Backends.Count == 1 ? traffic.Backends[0].Revision : null)]
            : [BuildMain(md), .. traffic.Backends.Select(b => BuildRevision(md, b.Revision))];
    }

    /// <param name="md">The owner.</param>
    /// <param name="onlyRevision">With replica-ratio routing and a single backend, the one revision that gets traffic (a warm
    /// previous revision during bake, or a rolled-back canary, is then out of the Service); null selects every pod.</param>
    public static Service BuildMain(ModelDeployment md, string? onlyRevision = null)
    {
        ArgumentNullException.ThrowIfNull(md);
        var name = md.Metadata.Name!;
        var selector = onlyRevision is null ? ChildNames.DeploymentSelector(name) : ChildNames.RevisionSelector(name, onlyRevision);
        return Build(md, name, ChildNames.CommonLabels(name), selector);
    }

    public static Service BuildRevision(ModelDeployment md, string revision)
    {
        ArgumentNullException.ThrowIfNull(md);
        ArgumentException.ThrowIfNullOrEmpty(revision);
        var name = md.Metadata.Name!;
        return Build(md, revision, ChildNames.RevisionLabels(name, revision), ChildNames.RevisionSelector(name, revision));
    }

    private static Service Build(ModelDeployment md, string name, Dictionary<string, string> labels, Dictionary<string, string> selector) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = name,
            Namespace = md.Metadata.Namespace,
            Labels = labels,
            OwnerReferences = [ChildNames.OwnerOf(md)],
        },
        Spec = new ServiceSpec
        {
            Type = "ClusterIP",
            Selector = selector,
            Ports = [new ServicePort { Name = ChildNames.PortName, Port = ChildNames.ServicePort, TargetPort = IntOrString.FromString(ChildNames.PortName), Protocol = "TCP" }],
        },
    };
}
