using System.Text.Json.Nodes;

namespace ModelOperator.ApiServer.Json;

/// <summary>
/// Extension methods that read and write the <c>metadata</c> of an unstructured Kubernetes object (a <see cref="JsonObject"/>);
/// the typed <c>ObjectMeta</c> is the model type of ModelOperator.Kubernetes.Models, a different thing.
/// </summary>
internal static class UnstructuredMetadata
{
    public static JsonObject Metadata(this JsonObject obj) => obj.GetOrAddObject("metadata");

    public static string? Name(this JsonObject obj) => obj.GetObject("metadata")?.GetString("name");

    public static string? Namespace(this JsonObject obj) => obj.GetObject("metadata")?.GetString("namespace");

    public static string? Uid(this JsonObject obj) => obj.GetObject("metadata")?.GetString("uid");

    public static string? ResourceVersion(this JsonObject obj) => obj.GetObject("metadata")?.GetString("resourceVersion");

    public static string? DeletionTimestamp(this JsonObject obj) => obj.GetObject("metadata")?.GetString("deletionTimestamp");

    public static IReadOnlyDictionary<string, string> Labels(this JsonObject obj) => StringMap(obj.GetObject("metadata")?.GetObject("labels"));

    public static List<string> Finalizers(this JsonObject obj)
    {
        var list = new List<string>();
        if (obj.GetObject("metadata")?.GetArray("finalizers") is { } array)
        {
            foreach (var item in array)
            {
                if (JsonHelpers.ScalarText(item) is { } s)
                {
                    list.Add(s);
                }
            }
        }

        return list;
    }

    public static void SetFinalizers(this JsonObject obj, IEnumerable<string> finalizers)
    {
        var array = new JsonArray();
        foreach (var f in finalizers)
        {
            array.Add(f);
        }

        if (array.Count == 0)
        {
            obj.Metadata().Remove("finalizers");
        }
        else
        {
            obj.Metadata()["finalizers"] = array;
        }
    }

    /// <summary>The owner references as (uid, kind, name, blockOwnerDeletion) tuples.</summary>
    public static List<OwnerReference> OwnerReferences(this JsonObject obj)
    {
        var list = new List<OwnerReference>();
        if (obj.GetObject("metadata")?.GetArray("ownerReferences") is { } array)
        {
            foreach (var item in array)
            {
                if (item is JsonObject o && o.GetString("uid") is { } uid)
                {
                    list.Add(new OwnerReference(uid, o.GetString("kind") ?? "", o.GetString("name") ?? "", o.GetBoolean("blockOwnerDeletion") ?? false));
                }
            }
        }

        return list;
    }

    public static IReadOnlyDictionary<string, string> StringMap(JsonObject? map)
    {
        if (map is null || map.Count == 0)
        {
            return EmptyMap;
        }

        var result = new Dictionary<string, string>(map.Count, StringComparer.Ordinal);
        foreach (var (key, value) in map)
        {
            result[key] = JsonHelpers.ScalarText(value) ?? "";
        }

        return result;
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyMap = new Dictionary<string, string>();
}

internal readonly record struct OwnerReference(string Uid, string Kind, string Name, bool BlockOwnerDeletion);
