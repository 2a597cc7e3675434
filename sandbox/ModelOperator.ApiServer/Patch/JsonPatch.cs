using System.Globalization;
using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Json;

namespace ModelOperator.ApiServer.Patch;

/// <summary>RFC 6902 JSON patch: add, remove, replace, move, copy and test, with RFC 6901 pointers.</summary>
internal static class JsonPatch
{
    public static JsonObject Apply(JsonObject target, JsonNode? patch)
    {
        if (patch is not JsonArray operations)
        {
            throw new PatchException("a JSON patch must be an array of operations", malformed: true);
        }

        JsonNode document = target.DeepClone();
        for (var i = 0; i < operations.Count; i++)
        {
            if (operations[i] is not JsonObject op || op.GetString("op") is not { } name || op.GetString("path") is not { } path)
            {
                throw new PatchException($"operation {i} must be an object with \"op\" and \"path\"", malformed: true);
            }

            switch (name)
            {
                case "add":
                    document = Add(document, path, Value(op, i));
                    break;
                case "remove":
                    document = Remove(document, path, out _);
                    break;
                case "replace":
                    document = Remove(document, path, out _);
                    document = Add(document, path, Value(op, i));
                    break;
                case "move":
                    document = Remove(document, From(op, i), out var moved);
                    document = Add(document, path, moved);
                    break;
                case "copy":
                    document = Add(document, path, Resolve(document, From(op, i))?.DeepClone());
                    break;
                case "test":
                    if (!JsonHelpers.DeepEquals(Resolve(document, path), Value(op, i)))
                    {
                        throw new PatchException($"test operation {i} failed: the value at \"{path}\" is not {JsonHelpers.Display(op["value"])}", malformed: false);
                    }

                    break;
                default:
                    throw new PatchException($"operation {i} has unknown op \"{name}\"; supported: add, remove, replace, move, copy, test", malformed: true);
            }
        }

        return document as JsonObject ?? throw new PatchException("the patched document is not an object", malformed: false);
    }

    private static JsonNode? Value(JsonObject op, int i) =>
        op.TryGetPropertyValue("value", out var v) ? v?.DeepClone() : throw new PatchException($"operation {i} needs a \"value\"", malformed: true);

    private static string From(JsonObject op, int i) =>
        op.GetString("from") ?? throw new PatchException($"operation {i} needs a \"from\"", malformed: true);

    private static string[] Tokens(string pointer)
    {
        if (pointer.Length == 0)
        {
            return [];
        }

        if (pointer[0] != '/')
        {
            throw new PatchException($"\"{pointer}\" is not a JSON pointer (it must start with '/')", malformed: true);
        }

        return pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
    }

    private static JsonNode? Resolve(JsonNode? document, string pointer)
    {
        var current = document;
        foreach (var token in Tokens(pointer))
        {
            current = current switch
            {
                JsonObject o when o.TryGetPropertyValue(token, out var child) => child,
                JsonArray a when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var idx) && idx < a.Count => a[idx],
                _ => throw new PatchException($"the path \"{pointer}\" does not exist", malformed: false),
            };
        }

        return current;
    }

    private static (JsonNode Parent, string Last) Parent(JsonNode document, string pointer)
    {
        var tokens = Tokens(pointer);
        if (tokens.Length == 0)
        {
            throw new PatchException("the whole document cannot be the target of this operation", malformed: false);
        }

        var parent = tokens.Length == 1
            ? document
            : Resolve(document, "/" + string.Join('/', tokens[..^1].Select(t => t.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal))));

        return (parent ?? throw new PatchException($"the parent of \"{pointer}\" is null", malformed: false), tokens[^1]);
    }

    private static JsonNode Add(JsonNode document, string pointer, JsonNode? value)
    {
        if (pointer.Length == 0)
        {
            return value ?? throw new PatchException("cannot replace the document with null", malformed: false);
        }

        var (parent, last) = Parent(document, pointer);
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a when last == "-":
                a.Add(value);
                break;
            case JsonArray a when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var idx) && idx <= a.Count:
                a.Insert(idx, value);
                break;
            default:
                throw new PatchException($"cannot add at \"{pointer}\": the index is out of range or the parent is not a container", malformed: false);
        }

        return document;
    }

    private static JsonNode Remove(JsonNode document, string pointer, out JsonNode? removed)
    {
        var (parent, last) = Parent(document, pointer);
        switch (parent)
        {
            case JsonObject o when o.TryGetPropertyValue(last, out removed):
                o.Remove(last);
                break;
            case JsonArray a when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var idx) && idx < a.Count:
                removed = a[idx];
                a.RemoveAt(idx);
                break;
            default:
                throw new PatchException($"the path \"{pointer}\" does not exist", malformed: false);
        }

        return document;
    }
}
