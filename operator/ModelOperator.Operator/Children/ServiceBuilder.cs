using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Rollouts.Canary;
using ModelOperator.Rollouts.Planning;

namespace ModelOperator.Operator.Children;

/// <summary>
/// Builds the Services (pure): <c>&lt;md-name&gt;</c>, what in-cluster clients call, selects the revisions the plan names
/// (<see cref="ModelOperator.Rollouts.Planning.TrafficPlan.MainServiceRevision"/>: every serving pod while replica-ratio
/// routing splits by pods, else one revision: with Gateway API routing always the stable one, so in-cluster clients get
/// stable answers while the HTTPRoute's weights split the Gateway's traffic); with Gateway API routing each revision that
/// gets traffic also has a Service <c>&lt;revision-name&gt;</c> for the HTTPRoute's backends.
/// </summary>
public static class ServiceBuilder
{
    /// <summary>
    /// The Services the traffic plan wants: the main one (selecting <see cref="TrafficPlan.MainServiceRevision"/>) and,
    /// with Gateway API routing, one per backend revision.
    /// </summary>
    public static IReadOnlyList<Service> ForTraffic(ModelDeployment md, TrafficPlan traffic)
    {
        ArgumentNullException.ThrowIfNull(traffic);
        return traffic.Mode == TrafficRoutingMode.ReplicaRatio
            ? [BuildMain(md, traffic.MainServiceRevision)]
            : [BuildMain(md, traffic.MainServiceRevision), .. traffic.Backends.Select(b => BuildRevision(md, b.Revision))];
    }

    /// <param name="md">The owner.</param>
    /// <param name="onlyRevision">The one revision to select (a warm previous revision during bake, a rolled-back canary, and
    /// with Gateway API routing the canary too, are then out of the Service); null selects every pod.</param>
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
            Ports =
            [
                new ServicePort { Name = ChildNames.PortName, Port = ChildNames.ServicePort, TargetPort = IntOrString.FromString(ChildNames.PortName), Protocol = "TCP" },
                new ServicePort { Name = ChildNames.GrpcPortName, Port = ChildNames.GrpcPort, TargetPort = IntOrString.FromString(ChildNames.GrpcPortName), Protocol = "TCP", AppProtocol = "grpc" },
            ],
        },
    };
}
