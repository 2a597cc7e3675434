using System.Text.Json.Serialization;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Api;

/// <summary>Source-generated JSON metadata for ModelDeployment, with the options of the built-in kinds (camelCase, nulls omitted, Kubernetes timestamps).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(KubernetesTimeJsonConverter)])]
[JsonSerializable(typeof(ModelDeployment))]
[JsonSerializable(typeof(ObjectList<ModelDeployment>))]
[JsonSerializable(typeof(ModelDeploymentSpec))]
[JsonSerializable(typeof(ModelDeploymentStatus))]
public sealed partial class ModelDeploymentJsonContext : JsonSerializerContext
{
}
