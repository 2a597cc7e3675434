using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Json;

namespace ModelOperator.ApiServer.Patch;

/// <summary>
/// Server-side apply as create-or-merge under a field manager: the configuration is merged into the
/// live object (keyed lists by key, other lists whole), fields the manager applied before and
/// dropped now are removed unless another manager owns them, and managedFields records the
/// manager's field set with operation Apply.
/// </summary>
internal static class ServerSideApply
{
    /// <summary>
    /// Applies <paramref name="config"/>; a field another manager owns and this apply would change is a conflict
    /// (<see cref="ApplyConflicts"/>) unless <paramref name="force"/>, which takes it over.
    /// </summary>
    public static JsonObject Apply(JsonObject? live, JsonObject config, string manager, string apiVersion, string now, ListStrategyResolver strategies, bool force, Action<IReadOnlyList<ApplyConflicts.Conflict>> onConflict)
    {
        var clean = (JsonObject)config.DeepClone();
        clean.GetObject("metadata")?.Remove("managedFields");
        var fields = FieldSet.Of(clean, strategies);

        JsonObject result;
        var managed = new List<JsonObject>();
        if (live is null)
        {
            result = clean;
        }
        else
        {
            managed = live.GetObject("metadata")?.GetArray("managedFields")?.OfType<JsonObject>().Select(m => (JsonObject)m.DeepClone()).ToList() ?? [];
            result = StrategicMergePatch.Apply(live, clean, strategies);
            var conflicts = ApplyConflicts.Find(live, result, fields, manager, managed);
            if (conflicts.Count > 0 && !force)
            {
                onConflict(conflicts);
            }

            ApplyConflicts.TakeOwnership(conflicts);
            managed.RemoveAll(m => m.GetObject("fieldsV1") is { Count: 0 });
            var mine = managed.FirstOrDefault(m => IsApplyBy(m, manager));
            if (mine?.GetObject("fieldsV1") is { } previous)
            {
                var others = managed.Where(m => !ReferenceEquals(m, mine)).Select(m => m.GetObject("fieldsV1")).OfType<JsonObject>().ToList();
                FieldSet.RemoveDropped(result, previous, fields, others, strategies);
            }

            managed.RemoveAll(m => IsApplyBy(m, manager));
        }

        managed.Add(new JsonObject
        {
            ["manager"] = manager,
            ["operation"] = "Apply",
            ["apiVersion"] = apiVersion,
            ["time"] = now,
            ["fieldsType"] = "FieldsV1",
            ["fieldsV1"] = fields,
        });
        result.Metadata()["managedFields"] = new JsonArray(managed.Select(m => (JsonNode)m).ToArray());
        return result;
    }

    private static bool IsApplyBy(JsonObject entry, string manager) =>
        entry.GetString("manager") == manager && entry.GetString("operation") == "Apply";
}
