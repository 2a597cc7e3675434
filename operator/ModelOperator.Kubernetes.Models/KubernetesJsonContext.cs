using System.Text.Json;
using System.Text.Json.Serialization;

namespace ModelOperator.Kubernetes.Models;

/// <summary>
/// Source-generated JSON metadata for the built-in kinds: camelCase names, nulls omitted,
/// Kubernetes timestamps. Custom resources declare their own context with the same options.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(KubernetesTimeJsonConverter)])]
[JsonSerializable(typeof(Deployment))]
[JsonSerializable(typeof(ObjectList<Deployment>))]
[JsonSerializable(typeof(Pod))]
[JsonSerializable(typeof(ObjectList<Pod>))]
[JsonSerializable(typeof(Service))]
[JsonSerializable(typeof(ObjectList<Service>))]
[JsonSerializable(typeof(HorizontalPodAutoscaler))]
[JsonSerializable(typeof(ObjectList<HorizontalPodAutoscaler>))]
[JsonSerializable(typeof(PodDisruptionBudget))]
[JsonSerializable(typeof(ObjectList<PodDisruptionBudget>))]
[JsonSerializable(typeof(ConfigMap))]
[JsonSerializable(typeof(ObjectList<ConfigMap>))]
[JsonSerializable(typeof(Secret))]
[JsonSerializable(typeof(ObjectList<Secret>))]
[JsonSerializable(typeof(Lease))]
[JsonSerializable(typeof(ObjectList<Lease>))]
[JsonSerializable(typeof(Event))]
[JsonSerializable(typeof(ObjectList<Event>))]
[JsonSerializable(typeof(HttpRoute))]
[JsonSerializable(typeof(ObjectList<HttpRoute>))]
[JsonSerializable(typeof(Namespace))]
[JsonSerializable(typeof(ObjectList<Namespace>))]
[JsonSerializable(typeof(Scale))]
[JsonSerializable(typeof(Status))]
[JsonSerializable(typeof(ObjectMeta))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class KubernetesJsonContext : JsonSerializerContext
{
}
