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

    public static JsonObject Of(JsonObject config, ListStrategyResolver strategies) => OfObject(config, [], strategies);

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
}
