using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Json;

namespace ModelOperator.ApiServer.Patch;

/// <summary>
/// The set of fields an apply configuration names, in the <c>FieldsV1</c> shape of managedFields:
/// <c>f:name</c> for fields, <c>k:{"name":"c"}</c> for items of keyed lists, <c>v:"x"</c> for set members.
/// </summary>
internal static class FieldSet
{
    private static readonly HashSet<string> ServerOwnedMetadata =
        ["name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink"];

    public static JsonObject Of(JsonObject config, ListStrategyResolver strategies)
    {
        var set = OfObject(config, [], strategies);

        // Metadata with only server-owned fields (name, namespace, ...) names no field a manager can own.
        if (set.GetObject("f:metadata") is { Count: 0 })
        {
            set.Remove("f:metadata");
        }

        return set;
    }

    private static JsonObject OfObject(JsonObject o, List<string> path, ListStrategyResolver strategies)
    {
        var result = new JsonObject();
        foreach (var (key, value) in o)
        {
            if (path.Count == 0 && key is "apiVersion" or "kind")
            {
                continue;
            }

            if (path.Count == 1 && path[0] == "metadata" && ServerOwnedMetadata.Contains(key))
            {
                continue;
            }

            var childPath = new List<string>(path) { key };
            result["f:" + key] = value switch
            {
                JsonObject child => OfObject(child, childPath, strategies),
                JsonArray list => OfList(list, childPath, strategies),
                _ => new JsonObject(),
            };
        }

        return result;
    }

    private static JsonObject OfList(JsonArray list, List<string> path, ListStrategyResolver strategies)
    {
        var strategy = strategies(path);
        var result = new JsonObject();
        switch (strategy.Kind)
        {
            case ListMergeKind.Map when strategy.Keys.Count > 0:
                foreach (var item in list.OfType<JsonObject>())
                {
                    var entry = OfObject(item, path, strategies);
                    entry.Insert(0, ".", new JsonObject());
                    result[ItemKey(item, strategy.Keys)] = entry;
                }

                break;
            case ListMergeKind.Set:
                foreach (var item in list)
                {
                    result["v:" + (item?.ToJsonString(JsonHelpers.Compact) ?? "null")] = new JsonObject();
                }

                break;
        }

        return result;
    }

    public static string ItemKey(JsonObject item, IReadOnlyList<string> keys)
    {
        var keyObject = new JsonObject();
        foreach (var k in keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            keyObject[k] = item[k]?.DeepClone();
        }

        return "k:" + keyObject.ToJsonString(JsonHelpers.Compact);
    }

    /// <summary>
    /// Removes from <paramref name="live"/> the fields a manager owned before (<paramref name="previous"/>)
    /// but no longer applies (<paramref name="current"/>), unless another manager owns them too.
    /// </summary>
    public static void RemoveDropped(JsonObject live, JsonObject previous, JsonObject current, IReadOnlyList<JsonObject> others, ListStrategyResolver strategies) =>
        RemoveFromObject(live, previous, current, others, [], strategies);

    private static void RemoveFromObject(JsonObject live, JsonObject previous, JsonObject current, IReadOnlyList<JsonObject> others, List<string> path, ListStrategyResolver strategies)
    {
        foreach (var (key, node) in previous)
        {
            if (!key.StartsWith("f:", StringComparison.Ordinal) || node is not JsonObject sub)
            {
                continue;
            }

            var name = key[2..];
            var stillApplied = current.GetObject(key);
            var otherSubs = others.Select(o => o.GetObject(key)).OfType<JsonObject>().ToList();
            if (stillApplied is null && otherSubs.Count == 0)
            {
                live.Remove(name);
                continue;
            }

            var childPath = new List<string>(path) { name };
            switch (live.TryGetPropertyValue(name, out var child) ? child : null)
            {
                case JsonObject childObject:
                    RemoveFromObject(childObject, sub, stillApplied ?? [], otherSubs, childPath, strategies);
                    break;
                case JsonArray childList:
                    RemoveFromList(childList, sub, stillApplied ?? [], otherSubs, childPath, strategies);
                    break;
            }
        }
    }

    private static void RemoveFromList(JsonArray live, JsonObject previous, JsonObject current, IReadOnlyList<JsonObject> others, List<string> path, ListStrategyResolver strategies)
    {
        var strategy = strategies(path);
        foreach (var (key, node) in previous)
        {
            var stillApplied = current.GetObject(key);
            var otherSubs = others.Select(o => o.GetObject(key)).OfType<JsonObject>().ToList();
            if (key.StartsWith("k:", StringComparison.Ordinal) && strategy.Kind == ListMergeKind.Map)
            {
                var item = live.OfType<JsonObject>().FirstOrDefault(i => ItemKey(i, strategy.Keys) == key);
                if (item is null)
                {
                    continue;
                }

                if (stillApplied is null && otherSubs.Count == 0)
                {
                    live.Remove(item);
                }
                else if (node is JsonObject sub)
                {
                    RemoveFromObject(item, sub, stillApplied ?? [], otherSubs, path, strategies);
                }
            }
            else if (key.StartsWith("v:", StringComparison.Ordinal) && stillApplied is null && otherSubs.Count == 0)
            {
                var value = JsonNode.Parse(key[2..]);
                foreach (var item in live.Where(i => JsonHelpers.DeepEquals(i, value)).ToList())
                {
                    live.Remove(item);
                }
            }
        }
    }

    /// <summary>The paths of a field set's leaves (fields it names with nothing named below them).</summary>
    public static IEnumerable<List<string>> Leaves(JsonObject set) => Leaves(set, []);

    private static IEnumerable<List<string>> Leaves(JsonObject set, List<string> prefix)
    {
        var children = set.Where(p => p.Key != ".").ToList();
        if (children.Count == 0)
        {
            if (prefix.Count > 0)
            {
                yield return prefix;
            }

            yield break;
        }

        foreach (var (key, value) in children)
        {
            foreach (var leaf in Leaves(value as JsonObject ?? new JsonObject(), [.. prefix, key]))
            {
                yield return leaf;
            }
        }
    }

    public static bool Contains(JsonObject set, IReadOnlyList<string> path)
    {
        JsonObject? node = set;
        foreach (var segment in path)
        {
            node = node?.GetObject(segment);
            if (node is null)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Removes a path from a field set, and the parents it leaves empty.</summary>
    public static void Remove(JsonObject set, IReadOnlyList<string> path) => Remove(set, path, 0);

    private static void Remove(JsonObject set, IReadOnlyList<string> path, int at)
    {
        if (set.GetObject(path[at]) is not { } child)
        {
            return;
        }

        if (at == path.Count - 1)
        {
            set.Remove(path[at]);
            return;
        }

        Remove(child, path, at + 1);
        if (child.Count == 0 || (child.Count == 1 && child.ContainsKey(".")))
        {
            set.Remove(path[at]);
        }
    }

    /// <summary>The value a FieldsV1 path names in an object (f: fields, k: keyed list items, v: set members).</summary>
    public static JsonNode? Resolve(JsonNode? node, IReadOnlyList<string> path)
    {
        foreach (var segment in path)
        {
            node = segment[..2] switch
            {
                "f:" => (node as JsonObject)?[segment[2..]],
                "k:" => (node as JsonArray)?.OfType<JsonObject>().FirstOrDefault(item => Matches(item, segment[2..])),
                "v:" => (node as JsonArray)?.FirstOrDefault(item => item?.ToJsonString(JsonHelpers.Compact) == segment[2..]),
                _ => null,
            };
        }

        return node;
    }

    private static bool Matches(JsonObject item, string keyJson) =>
        JsonNode.Parse(keyJson) is JsonObject keys && keys.All(k => JsonHelpers.DeepEquals(item[k.Key], k.Value));
}
