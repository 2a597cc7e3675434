using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Json;

namespace ModelOperator.ApiServer.Patch;

/// <summary>
/// Strategic merge patch: a JSON merge patch whose lists merge by key where the kind says so, with
/// the directives kubectl sends: <c>$patch</c> (replace, delete, merge), <c>$retainKeys</c>,
/// <c>$setElementOrder/field</c> and <c>$deleteFromPrimitiveList/field</c>.
/// </summary>
internal static class StrategicMergePatch
{
    private const string PatchDirective = "$patch";
    private const string RetainKeys = "$retainKeys";
    private const string SetElementOrder = "$setElementOrder/";
    private const string DeleteFromPrimitiveList = "$deleteFromPrimitiveList/";

    public static JsonObject Apply(JsonObject original, JsonNode? patch, ListStrategyResolver strategies)
    {
        if (patch is not JsonObject patchObject)
        {
            throw new PatchException("a strategic merge patch must be a JSON object", malformed: true);
        }

        return MergeMap((JsonObject)original.DeepClone(), patchObject, [], strategies) ?? new JsonObject();
    }

    private static JsonObject? MergeMap(JsonObject original, JsonObject patch, List<string> path, ListStrategyResolver strategies)
    {
        switch (patch.GetString(PatchDirective))
        {
            case "replace":
                return WithoutDirectives(patch);
            case "delete":
                return null;
            case null or "merge":
                break;
            default:
                throw new PatchException($"unknown $patch directive \"{patch.GetString(PatchDirective)}\" at {Describe(path)}; allowed: replace, delete, merge", malformed: true);
        }

        var orders = new Dictionary<string, JsonArray>(StringComparer.Ordinal);
        foreach (var (key, value) in patch)
        {
            if (key == PatchDirective || key == RetainKeys)
            {
                continue;
            }

            if (key.StartsWith(SetElementOrder, StringComparison.Ordinal))
            {
                if (value is JsonArray order)
                {
                    orders[key[SetElementOrder.Length..]] = order;
                }

                continue;
            }

            if (key.StartsWith(DeleteFromPrimitiveList, StringComparison.Ordinal))
            {
                var field = key[DeleteFromPrimitiveList.Length..];
                if (original.GetArray(field) is { } list && value is JsonArray toDelete)
                {
                    foreach (var item in list.Where(i => toDelete.Any(d => JsonHelpers.DeepEquals(d, i))).ToList())
                    {
                        list.Remove(item);
                    }
                }

                continue;
            }

            var childPath = new List<string>(path) { key };
            var existing = original.TryGetPropertyValue(key, out var e) ? e : null;
            switch (value)
            {
                case null:
                    original.Remove(key);
                    break;
                case JsonObject childPatch:
                    var merged = MergeMap(existing as JsonObject ?? new JsonObject(), childPatch, childPath, strategies);
                    if (merged is null)
                    {
                        original.Remove(key);
                    }
                    else if (!ReferenceEquals(merged, existing))
                    {
                        original[key] = merged;
                    }

                    break;
                case JsonArray childList:
                    original[key] = MergeList(existing as JsonArray, childList, childPath, strategies);
                    break;
                default:
                    original[key] = value.DeepClone();
                    break;
            }
        }

        foreach (var (field, order) in orders)
        {
            if (original.GetArray(field) is { } list)
            {
                original[field] = Reorder(list, order, strategies(new List<string>(path) { field }));
            }
        }

        if (patch.GetArray(RetainKeys) is { } retain)
        {
            var keep = retain.Select(JsonHelpers.ScalarText).OfType<string>().ToHashSet(StringComparer.Ordinal);
            foreach (var key in original.Select(p => p.Key).Where(k => !keep.Contains(k)).ToList())
            {
                original.Remove(key);
            }
        }

        return original;
    }

    private static JsonArray MergeList(JsonArray? original, JsonArray patch, List<string> path, ListStrategyResolver strategies)
    {
        var strategy = strategies(path);
        var replace = patch.Any(i => i is JsonObject o && o.GetString(PatchDirective) == "replace");
        if (strategy.Kind == ListMergeKind.Atomic || original is null || replace)
        {
            var result = new JsonArray();
            foreach (var item in patch)
            {
                if (item is JsonObject o && o.ContainsKey(PatchDirective))
                {
                    if (o.GetString(PatchDirective) is "delete" or "replace")
                    {
                        continue;
                    }

                    result.Add(WithoutDirectives(o));
                    continue;
                }

                result.Add(item is JsonObject io ? WithoutDirectives(io) : item?.DeepClone());
            }

            return result;
        }

        var merged = (JsonArray)original.DeepClone();
        if (strategy.Kind == ListMergeKind.Set)
        {
            foreach (var item in patch)
            {
                if (!merged.Any(m => JsonHelpers.DeepEquals(m, item)))
                {
                    merged.Add(item?.DeepClone());
                }
            }

            return merged;
        }

        foreach (var item in patch)
        {
            if (item is not JsonObject itemPatch)
            {
                throw new PatchException($"the list {Describe(path)} merges by {string.Join(",", strategy.Keys)} and needs objects, got {JsonHelpers.Display(item)}", malformed: true);
            }

            var match = merged.OfType<JsonObject>().FirstOrDefault(m => SameKey(m, itemPatch, strategy.Keys));
            if (itemPatch.GetString(PatchDirective) == "delete")
            {
                if (match is not null)
                {
                    merged.Remove(match);
                }

                continue;
            }

            if (match is null)
            {
                merged.Add(WithoutDirectives(itemPatch));
                continue;
            }

            var index = merged.IndexOf(match);
            var updated = MergeMap((JsonObject)match.DeepClone(), itemPatch, path, strategies);
            if (updated is null)
            {
                merged.RemoveAt(index);
            }
            else
            {
                merged[index] = updated;
            }
        }

        return merged;
    }

    private static JsonArray Reorder(JsonArray list, JsonArray order, ListStrategy strategy)
    {
        int Position(JsonNode? item)
        {
            for (var i = 0; i < order.Count; i++)
            {
                var matches = strategy.Kind == ListMergeKind.Map && item is JsonObject o && order[i] is JsonObject k
                    ? SameKey(o, k, strategy.Keys)
                    : JsonHelpers.DeepEquals(item, order[i]);
                if (matches)
                {
                    return i;
                }
            }

            return int.MaxValue;
        }

        var items = list.Select((item, index) => (Item: item, Index: index, Position: Position(item)))
            .OrderBy(x => x.Position).ThenBy(x => x.Index)
            .Select(x => x.Item?.DeepClone())
            .ToArray();
        return new JsonArray(items);
    }

    private static bool SameKey(JsonObject a, JsonObject b, IReadOnlyList<string> keys) =>
        keys.Count > 0 && keys.All(k => JsonHelpers.DeepEquals(a[k], b[k]));

    private static JsonObject WithoutDirectives(JsonObject o)
    {
        var copy = new JsonObject();
        foreach (var (key, value) in o)
        {
            if (key == PatchDirective || key == RetainKeys || key.StartsWith(SetElementOrder, StringComparison.Ordinal) || key.StartsWith(DeleteFromPrimitiveList, StringComparison.Ordinal))
            {
                continue;
            }

            copy[key] = value is JsonObject child ? WithoutDirectives(child) : value?.DeepClone();
        }

        return copy;
    }

    private static string Describe(List<string> path) => path.Count == 0 ? "the root" : "." + string.Join('.', path);
}
