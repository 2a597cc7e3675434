using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Operator.Children;

/// <summary>
/// Builds the Services (pure): <c>&lt;md-name&gt;</c> selects every serving pod of the ModelDeployment (with replica-ratio
/// routing the split follows the ready pods behind it); with Gateway API routing each revision also gets a Service
/// <c>&lt;revision-name&gt;</c> for the HTTPRoute's backends.
/// </summary>
public static class ServiceBuilder
{
    public static Service BuildMain(ModelDeployment md)
    {
        ArgumentNullException.ThrowIfNull(md);
        var name = md.Metadata.Name!;
        return Build(md, name, ChildNames.CommonLabels(name), ChildNames.DeploymentSelector(name));
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
