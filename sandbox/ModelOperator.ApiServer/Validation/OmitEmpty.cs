using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Json;

namespace ModelOperator.ApiServer.Validation;

/// <summary>
/// What a real server's decode and encode round trip drops: Go types are <c>omitempty</c>, so an explicit <c>null</c>, an
/// empty list (<c>env: []</c>) and an empty map (<c>annotations: {}</c>) are not in the stored object. Empty structs stay
/// (<c>emptyDir: {}</c>, <c>securityContext: {}</c>): they are pointers, and a set pointer is not empty. Object metadata is
/// typed for every kind; the rest only for built-in kinds (a custom resource is stored as the JSON that was sent, after
/// pruning).
/// </summary>
internal static class OmitEmpty
{
    /// <summary>Keys whose values are Go maps in the built-in kinds: empty ones are omitted.</summary>
    private static readonly HashSet<string> MapKeys = new(StringComparer.Ordinal)
    {
        "labels", "annotations", "nodeSelector", "data", "stringData", "binaryData", "matchLabels", "requests", "limits",
        "overhead", "hard", "used", "capacity", "allocatable", "default", "defaultRequest", "max", "min", "maxLimitRequestRatio",
    };

    /// <summary>Lists without <c>omitempty</c> in their Go types (RBAC rules and verbs, a PodSpec's containers).</summary>
    private static readonly HashSet<string> KeptLists = new(StringComparer.Ordinal) { "rules", "verbs", "containers" };

    public static void Apply(JsonObject obj, bool typedBody)
    {
        if (typedBody)
        {
            Walk(obj);
        }
        else if (obj.GetObject("metadata") is { } meta)
        {
            Walk(meta);
        }

        // A Service's selector is a map; a Deployment's is a struct (kept even when empty, and then refused).
        if (obj.GetString("kind") == "Service" && obj.GetObject("spec")?.GetObject("selector") is { Count: 0 })
        {
            obj.GetObject("spec")!.Remove("selector");
        }
    }

    private static void Walk(JsonObject obj)
    {
        foreach (var key in obj.Select(p => p.Key).ToList())
        {
            switch (obj[key])
            {
                case null:
                    obj.Remove(key);
                    break;
                case JsonArray { Count: 0 } when !KeptLists.Contains(key):
                    obj.Remove(key);
                    break;
                case JsonArray items:
                    foreach (var item in items.OfType<JsonObject>())
                    {
                        Walk(item);
                    }

                    break;
                case JsonObject { Count: 0 } when MapKeys.Contains(key):
                    obj.Remove(key);
                    break;
                case JsonObject child:
                    Walk(child);
                    break;
            }
        }
    }
}
