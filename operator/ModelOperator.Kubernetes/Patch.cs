using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelOperator.Kubernetes;

/// <summary>The patch formats the API server accepts.</summary>
public enum PatchType
{
    /// <summary>RFC 7386 JSON merge patch (<c>application/merge-patch+json</c>): maps merge, lists replace, null deletes.</summary>
    Merge,

    /// <summary>RFC 6902 JSON patch (<c>application/json-patch+json</c>): a list of add/remove/replace/test operations.</summary>
    Json,

    /// <summary>Kubernetes strategic merge patch (<c>application/strategic-merge-patch+json</c>); built-in kinds only.</summary>
    StrategicMerge,
}

/// <summary>A patch body and its format.</summary>
public sealed record Patch(PatchType Type, string Body)
{
    /// <summary>The HTTP content type for <see cref="Type"/>.</summary>
    public string ContentType => Type switch
    {
        PatchType.Merge => "application/merge-patch+json",
        PatchType.Json => "application/json-patch+json",
        PatchType.StrategicMerge => "application/strategic-merge-patch+json",
        _ => throw new InvalidOperationException($"Unknown patch type {Type}."),
    };

    /// <summary>A JSON merge patch from a JSON object, e.g. <c>{"metadata":{"labels":{"a":null}}}</c>.</summary>
    public static Patch Merge(JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return new(PatchType.Merge, body.ToJsonString());
    }

    /// <summary>A JSON patch from its operations.</summary>
    public static Patch Json(params IReadOnlyList<JsonPatchOperation> operations)
    {
        ArgumentNullException.ThrowIfNull(operations);
        if (operations.Count == 0)
        {
            throw new ArgumentException("A JSON patch needs at least one operation.", nameof(operations));
        }

        var array = new JsonArray();
        foreach (var op in operations)
        {
            array.Add(op.ToJsonNode());
        }

        return new(PatchType.Json, array.ToJsonString());
    }
}

/// <summary>One RFC 6902 operation: <c>add</c>, <c>remove</c>, <c>replace</c>, <c>move</c>, <c>copy</c> or <c>test</c>.</summary>
public sealed record JsonPatchOperation(string Op, string Path, JsonNode? Value = null, string? From = null)
{
    private static readonly HashSet<string> Ops = ["add", "remove", "replace", "move", "copy", "test"];

    public static JsonPatchOperation Add(string path, JsonNode? value) => new("add", path, value);

    public static JsonPatchOperation Replace(string path, JsonNode? value) => new("replace", path, value);

    public static JsonPatchOperation Remove(string path) => new("remove", path);

    public static JsonPatchOperation Test(string path, JsonNode? value) => new("test", path, value);

    /// <summary>Escapes a map key for use in a JSON pointer (<c>~</c> → <c>~0</c>, <c>/</c> → <c>~1</c>), e.g. for a label key.</summary>
    public static string EscapePointerToken(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
    }

    internal JsonObject ToJsonNode()
    {
        if (!Ops.Contains(Op))
        {
            throw new ArgumentException($"JSON patch op '{Op}' is not one of add, remove, replace, move, copy, test.");
        }

        if (!Path.StartsWith('/') && Path.Length != 0)
        {
            throw new ArgumentException($"JSON patch path '{Path}' must be a JSON pointer starting with '/'.");
        }

        var node = new JsonObject { ["op"] = Op, ["path"] = Path };
        if (Op is "add" or "replace" or "test")
        {
            node["value"] = Value?.DeepClone();
        }

        if (Op is "move" or "copy")
        {
            node["from"] = From ?? throw new ArgumentException($"JSON patch op '{Op}' needs 'from'.");
        }

        return node;
    }
}
