using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Json;

namespace ModelOperator.ApiServer.Patch;

/// <summary>
/// Server-side apply's conflict rule: a manager that applies a value to a field another manager owns, where the value
/// would change, conflicts with that manager (409, one cause per field). With force, the applier takes the field and the
/// other manager loses it. Setting a field to the value it already has is shared ownership, not a conflict.
/// </summary>
internal static class ApplyConflicts
{
    /// <summary>One conflicting field: its path as the server prints it (<c>.spec.replicas</c>) and the owner.</summary>
    internal sealed record Conflict(string Field, string Manager, string Operation, string? ApiVersion)
    {
        /// <summary>The field's FieldsV1 path (<c>f:spec</c>, <c>f:replicas</c>).</summary>
        public IReadOnlyList<string> Path { get; init; } = [];

        /// <summary>The managedFields entry that owns the field.</summary>
        public JsonObject? Entry { get; init; }
    }

    /// <summary>The conflicts of applying <paramref name="applied"/> (a field set) by <paramref name="manager"/>.</summary>
    public static List<Conflict> Find(JsonObject live, JsonObject merged, JsonObject applied, string manager, IReadOnlyList<JsonObject> managedFields)
    {
        var conflicts = new List<Conflict>();
        foreach (var entry in managedFields)
        {
            if (entry.GetString("manager") == manager && entry.GetString("operation") == "Apply" || entry.GetObject("fieldsV1") is not { } owned)
            {
                continue;
            }

            foreach (var path in FieldSet.Leaves(applied))
            {
                if (FieldSet.Contains(owned, path) && !JsonHelpers.DeepEquals(FieldSet.Resolve(live, path), FieldSet.Resolve(merged, path)))
                {
                    conflicts.Add(new Conflict(Display(path), entry.GetString("manager") ?? "", entry.GetString("operation") ?? "", entry.GetString("apiVersion")) { Path = path, Entry = entry });
                }
            }
        }

        return conflicts;
    }

    /// <summary>With force, the applier takes each conflicting field: its owner's entry no longer lists it.</summary>
    public static void TakeOwnership(IReadOnlyList<Conflict> conflicts)
    {
        foreach (var conflict in conflicts)
        {
            if (conflict.Entry?.GetObject("fieldsV1") is { } owned)
            {
                FieldSet.Remove(owned, conflict.Path);
            }
        }
    }

    /// <summary>The message a real server gives: <c>Apply failed with 1 conflict: conflict with "mgr": .spec.replicas</c>.</summary>
    public static string Message(IReadOnlyList<Conflict> conflicts)
    {
        var count = conflicts.Count == 1 ? "1 conflict" : $"{conflicts.Count} conflicts";
        var byManager = conflicts.GroupBy(c => (c.Manager, c.Operation, c.ApiVersion)).ToList();
        var parts = byManager.Select(g => g.Count() == 1
            ? $"conflict with {Owner(g.First())}: {g.First().Field}"
            : $"conflicts with {Owner(g.First())}:\n" + string.Join("\n", g.Select(c => "- " + c.Field)));
        return $"Apply failed with {count}: {string.Join("\n", parts)}";
    }

    public static string CauseMessage(Conflict conflict) => $"conflict with {Owner(conflict)}";

    private static string Owner(Conflict c) => c.Operation == "Update" && c.ApiVersion is not null ? $"\"{c.Manager}\" using {c.ApiVersion}" : $"\"{c.Manager}\"";

    /// <summary>The path as a real server prints it: <c>.spec.containers[name="c"].image</c>.</summary>
    private static string Display(List<string> path) => string.Concat(path.Select(segment => segment[..2] switch
    {
        "f:" => "." + segment[2..],
        "k:" => "[" + string.Join(",", (JsonNode.Parse(segment[2..]) as JsonObject ?? []).Select(k => $"{k.Key}={k.Value?.ToJsonString(JsonHelpers.Compact)}")) + "]",
        "v:" => "[" + segment[2..] + "]",
        _ => segment,
    }));
}
