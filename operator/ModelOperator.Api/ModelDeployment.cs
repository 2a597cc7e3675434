using System.Text.Json.Serialization.Metadata;
using ModelOperator.Api.Schema;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Api;

/// <summary>modeloperator.io/v1alpha1 ModelDeployment: one ONNX model served by a fleet of pods, rolled out by canary.</summary>
[Description("A ModelDeployment serves one ONNX model version on a set of pods and rolls new versions out as a canary: " +
    "traffic moves to the new revision in steps, guarded by analysis of its error rate, latency and drift, and rolls back by itself when a threshold is crossed.")]
public sealed record ModelDeployment : IKubernetesObject<ModelDeployment>
{
    public const string Group = "modeloperator.io";
    public const string Version = "v1alpha1";
    public const string KindName = "ModelDeployment";
    public const string Plural = "modeldeployments";
    public const string Singular = "modeldeployment";
    public const string ShortName = "md";

    public static ResourceDescriptor Resource { get; } = new(Group, Version, Plural, KindName, Namespaced: true);

    public static JsonTypeInfo<ModelDeployment> JsonTypeInfo => ModelDeploymentJsonContext.Default.ModelDeployment;

    public static JsonTypeInfo<ObjectList<ModelDeployment>> ListJsonTypeInfo => ModelDeploymentJsonContext.Default.ObjectListModelDeployment;

    [Description("APIVersion defines the versioned schema of this representation of an object: modeloperator.io/v1alpha1.")]
    public string ApiVersion { get; init; } = $"{Group}/{Version}";

    [Description("Kind is the REST resource this object represents: ModelDeployment.")]
    public string Kind { get; init; } = KindName;

    [Description("Standard object metadata: name, namespace, labels and annotations (including modeloperator.io/action).")]
    public ObjectMeta Metadata { get; init; } = new();

    [Description("What to serve and how to roll it out.")]
    [Required]
    public ModelDeploymentSpec? Spec { get; init; }

    [Description("What the operator observed and decided; written by the operator through the status subresource.")]
    public ModelDeploymentStatus? Status { get; init; }

    public ModelDeployment WithMetadata(ObjectMeta metadata) => this with { Metadata = metadata };
}
