using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Operator.Children;

/// <summary>Names, labels and owner references shared by every child of a ModelDeployment. All deterministic.</summary>
public static class ChildNames
{
    /// <summary>The name of the container that runs the model server.</summary>
    public const string Container = "modelserver";

    /// <summary>The named container and Service port.</summary>
    public const string PortName = "http";

    /// <summary>The name of the model server's metrics port, present when it has one apart (MODELSERVER_METRICS_PORT).</summary>
    public const string MetricsPortName = "metrics";

    /// <summary>The port the Services expose.</summary>
    public const int ServicePort = 80;

    /// <summary>The named container and Service port of the model server's gRPC inference and health services (h2c).</summary>
    public const string GrpcPortName = "grpc";

    /// <summary>The gRPC port, in the pods (the server's GRPC_PORT) and on the Services: 8081, as KServe uses.</summary>
    public const int GrpcPort = 8081;

    /// <summary>The annotation on a revision's Deployment holding the canonical JSON of its model and runtime, so the
    /// operator can rebuild an older revision (the stable one while a canary runs) after the spec moved on.</summary>
    public const string RevisionSpecAnnotation = "modeloperator.io/revision-spec";

    /// <summary>Labels of everything the operator creates for <paramref name="deploymentName"/>.</summary>
    public static Dictionary<string, string> CommonLabels(string deploymentName) => new(StringComparer.Ordinal)
    {
        [Labels.ManagedBy] = Labels.ManagedByValue,
        [Labels.Deployment] = deploymentName,
    };

    /// <summary>Labels of one revision's objects and pods.</summary>
    public static Dictionary<string, string> RevisionLabels(string deploymentName, string revision)
    {
        var labels = CommonLabels(deploymentName);
        labels[Labels.Revision] = revision;
        return labels;
    }

    /// <summary>The selector of every serving pod of a ModelDeployment (both revisions).</summary>
    public static Dictionary<string, string> DeploymentSelector(string deploymentName) => new(StringComparer.Ordinal)
    {
        [Labels.Deployment] = deploymentName,
    };

    /// <summary>The selector of one revision's pods.</summary>
    public static Dictionary<string, string> RevisionSelector(string deploymentName, string revision) => new(StringComparer.Ordinal)
    {
        [Labels.Deployment] = deploymentName,
        [Labels.Revision] = revision,
    };

    /// <summary><see cref="DeploymentSelector"/> as a string, for <c>status.selector</c> (the scale subresource).</summary>
    public static string SelectorString(string deploymentName) => $"{Labels.Deployment}={deploymentName}";

    /// <summary>The controller owner reference to the ModelDeployment: deleting it deletes its children.</summary>
    public static OwnerReference OwnerOf(ModelDeployment md)
    {
        ArgumentNullException.ThrowIfNull(md);
        return new OwnerReference
        {
            ApiVersion = md.ApiVersion,
            Kind = ModelDeployment.KindName,
            Name = md.Metadata.Name ?? throw new ArgumentException("The ModelDeployment has no name.", nameof(md)),
            Uid = md.Metadata.Uid ?? throw new ArgumentException("The ModelDeployment has no uid; build children only from an object read from the API server.", nameof(md)),
            Controller = true,
            BlockOwnerDeletion = true,
        };
    }
}
