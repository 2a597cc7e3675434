using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Json;

namespace ModelOperator.ApiServer.Patch;

/// <summary>
/// managedFields for writes that are not apply (create, update, patch), as kube-apiserver's field manager keeps them:
/// the writer's <c>Update</c> entry (one per manager and subresource) gains every field the write set or changed,
/// including the defaults it caused; the same fields leave every other entry (an update takes them over, it never
/// conflicts); a field the write removed leaves every entry; an entry left with no fields is dropped. A write that
/// changes nothing leaves managedFields as they were.
/// </summary>
internal static class UpdateManagedFields
{
    /// <summary>
    /// Records the write from <paramref name="old"/> (null on create) to <paramref name="next"/>, whose
    /// metadata.managedFields (the request's, or the old ones) are rewritten in place.
    /// </summary>
    public static void Record(JsonObject? old, JsonObject next, string manager, string apiVersion, string? subresource, string now, ListStrategyResolver strategies)
    {
        var meta = next.Metadata();
        var entries = meta.GetArray("managedFields")?.OfType<JsonObject>().Select(e => (JsonObject)e.DeepClone()).ToList() ?? [];
        var changed = FieldSet.Of(next, strategies);
        if (old is not null)
        {
            foreach (var path in FieldSet.Leaves((JsonObject)changed.DeepClone()).ToList())
            {
                if (FieldSet.Resolve(old, path) is { } before && JsonHelpers.DeepEquals(before, FieldSet.Resolve(next, path)))
                {
                    FieldSet.Remove(changed, path);
                }
            }
        }

        foreach (var entry in entries)
        {
            if (entry.GetObject("fieldsV1") is not { } owned)
            {
                continue;
            }

            foreach (var path in FieldSet.Leaves((JsonObject)owned.DeepClone()).ToList())
            {
                var gone = FieldSet.Resolve(next, path) is null;
                if (gone || (FieldSet.Contains(changed, path) && !IsEntryOf(entry, manager, subresource)))
                {
                    FieldSet.Remove(owned, path);
                }
            }
        }

        if (FieldSet.Leaves(changed).Any())
        {
            var mine = entries.FirstOrDefault(e => IsEntryOf(e, manager, subresource));
            if (mine is null)
            {
                mine = new JsonObject { ["manager"] = manager, ["operation"] = "Update" };
                entries.Add(mine);
            }

            mine["apiVersion"] = apiVersion;
            mine["time"] = now;
            mine["fieldsType"] = "FieldsV1";
            mine["fieldsV1"] = Union(mine.GetObject("fieldsV1")?.DeepClone() as JsonObject ?? [], changed);
            if (subresource is not null)
            {
                mine["subresource"] = subresource;
            }
        }

        entries.RemoveAll(e => e.GetObject("fieldsV1") is not { } f || !FieldSet.Leaves(f).Any());
        if (entries.Count == 0)
        {
            meta.Remove("managedFields");
        }
        else
        {
            meta["managedFields"] = new JsonArray(entries.Select(e => (JsonNode)e).ToArray());
        }
    }

    /// <summary>The manager for a write without a fieldManager: the User-Agent up to its first '/', printable characters only, at most 128.</summary>
    public static string ManagerFromUserAgent(string? userAgent)
    {
        var prefix = (userAgent ?? "").Split('/')[0];
        var printable = new string(prefix.Where(c => !char.IsControl(c)).ToArray());
        return printable.Length > 128 ? printable[..128] : printable;
    }

    private static bool IsEntryOf(JsonObject entry, string manager, string? subresource) =>
        entry.GetString("manager") == manager && entry.GetString("operation") == "Update" && entry.GetString("subresource") == subresource;

    private static JsonObject Union(JsonObject into, JsonObject from)
    {
        foreach (var (key, value) in from)
        {
            if (into.GetObject(key) is { } existing && value is JsonObject more)
            {
                Union(existing, more);
            }
            else if (!into.ContainsKey(key))
            {
                into[key] = value?.DeepClone();
            }
        }

        return into;
    }
}
