using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Json;

namespace ModelOperator.ApiServer.Patch;

/// <summary>
/// List strategies of a custom resource read from its schema: <c>x-kubernetes-list-type: map</c>
/// with <c>x-kubernetes-list-map-keys</c>, <c>set</c>, otherwise atomic (as server-side apply does).
/// </summary>
internal static class SchemaListStrategies
{
    public static ListStrategyResolver For(JsonObject? schema) => path =>
    {
        if (path.Count == 2 && path[0] == "metadata")
        {
            return BuiltInListStrategies.Resolve(path);
        }

        var node = schema;
        foreach (var field in path)
        {
            if (node is null)
            {
                return ListStrategy.Atomic;
            }

            if (node.GetString("type") == "array")
            {
                node = node.GetObject("items");
            }

            node = node?.GetObject("properties")?.GetObject(field);
        }

        return node?.GetString("x-kubernetes-list-type") switch
        {
            "map" => ListStrategy.ByKey(node.GetArray("x-kubernetes-list-map-keys")?.Select(JsonHelpers.ScalarText).OfType<string>().ToArray() ?? []),
            "set" => ListStrategy.Set,
            _ => ListStrategy.Atomic,
        };
    };
}
