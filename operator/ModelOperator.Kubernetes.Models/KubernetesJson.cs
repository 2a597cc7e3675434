using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace ModelOperator.Kubernetes.Models;

/// <summary>
/// Helpers over the serialized form. Record equality compares collections by reference, so two statuses with the
/// same conditions are not <c>==</c>; compare what would be sent to the server instead.
/// </summary>
public static class KubernetesJson
{
    /// <summary>True when <paramref name="left"/> and <paramref name="right"/> serialize to the same JSON (map order ignored).</summary>
    public static bool SemanticEquals<T>(T? left, T? right, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        if (left is null || right is null)
        {
            return left is null && right is null;
        }

        return JsonNode.DeepEquals(JsonSerializer.SerializeToNode(left, typeInfo), JsonSerializer.SerializeToNode(right, typeInfo));
    }

    /// <summary>A deep copy made through JSON (unknown fields included), for callers that must not share nested state.</summary>
    public static T DeepClone<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo), typeInfo)!;
    }
}
