using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelOperator.ApiServer.Json;

/// <summary>Small helpers over <see cref="JsonNode"/> trees: typed reads, deep equality, field paths.</summary>
internal static class JsonHelpers
{
    public static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    /// <summary>Parses a request body, failing with a message that says the body is not a JSON object.</summary>
    public static JsonObject ParseObject(ReadOnlySpan<byte> utf8)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(utf8);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"the request body is not valid JSON: {ex.Message}", ex);
        }

        return node as JsonObject ?? throw new FormatException("the request body must be a JSON object");
    }

    public static string? GetString(this JsonObject obj, string property) =>
        obj.TryGetPropertyValue(property, out var node) && node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static JsonObject? GetObject(this JsonObject obj, string property) =>
        obj.TryGetPropertyValue(property, out var node) ? node as JsonObject : null;

    public static JsonArray? GetArray(this JsonObject obj, string property) =>
        obj.TryGetPropertyValue(property, out var node) ? node as JsonArray : null;

    public static JsonObject GetOrAddObject(this JsonObject obj, string property)
    {
        if (obj.TryGetPropertyValue(property, out var node) && node is JsonObject existing)
        {
            return existing;
        }

        var created = new JsonObject();
        obj[property] = created;
        return created;
    }

    public static long? GetInt64(this JsonObject obj, string property) => AsInt64(obj.TryGetPropertyValue(property, out var n) ? n : null);

    public static bool? GetBoolean(this JsonObject obj, string property) =>
        obj.TryGetPropertyValue(property, out var node) && node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            ? v.GetValueKind() == JsonValueKind.True
            : null;

    public static long? AsInt64(JsonNode? node)
    {
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            return null;
        }

        if (v.TryGetValue<long>(out var l))
        {
            return l;
        }

        if (v.TryGetValue<int>(out var i))
        {
            return i;
        }

        var d = AsDouble(v);
        return d is { } x && Math.Abs(x % 1) < double.Epsilon && x is >= long.MinValue and <= long.MaxValue ? (long)x : null;
    }

    /// <summary>Any JSON number as a double, whatever CLR type the node was built from.</summary>
    public static double? AsDouble(JsonNode? node)
    {
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            return null;
        }

        if (v.TryGetValue<double>(out var d))
        {
            return d;
        }

        if (v.TryGetValue<long>(out var l))
        {
            return l;
        }

        if (v.TryGetValue<int>(out var i))
        {
            return i;
        }

        if (v.TryGetValue<decimal>(out var m))
        {
            return (double)m;
        }

        if (v.TryGetValue<float>(out var f))
        {
            return f;
        }

        if (v.TryGetValue<ulong>(out var u))
        {
            return u;
        }

        return double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture);
    }

    /// <summary>Deep structural equality (numbers compared by value, object property order ignored).</summary>
    public static bool DeepEquals(JsonNode? a, JsonNode? b) => JsonNode.DeepEquals(a, b);

    /// <summary>The node at a dotted path such as <c>.spec.replicas</c> (leading dot optional), or null.</summary>
    public static JsonNode? AtPath(JsonNode? root, string dottedPath)
    {
        var current = root;
        foreach (var part in SplitPath(dottedPath))
        {
            if (current is not JsonObject o || !o.TryGetPropertyValue(part, out current))
            {
                return null;
            }
        }

        return current;
    }

    /// <summary>Sets the value at a dotted path, creating intermediate objects.</summary>
    public static void SetPath(JsonObject root, string dottedPath, JsonNode? value)
    {
        var parts = SplitPath(dottedPath);
        if (parts.Length == 0)
        {
            throw new ArgumentException("the path must name a field", nameof(dottedPath));
        }

        var current = root;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            current = current.GetOrAddObject(parts[i]);
        }

        current[parts[^1]] = value;
    }

    public static string[] SplitPath(string dottedPath) =>
        dottedPath.Split('.', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A display string for a scalar as Kubernetes prints it in messages: strings quoted, others raw.</summary>
    public static string Display(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => "\"" + v.GetValue<string>() + "\"",
        _ => node.ToJsonString(Compact),
    };

    /// <summary>
    /// Text quoted as Go's <c>%q</c> quotes it, which is how kube-apiserver quotes values in messages and warnings:
    /// backslashes, quotes and control characters escaped, other characters kept.
    /// </summary>
    public static string GoQuote(string text)
    {
        var quoted = new System.Text.StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            _ = c switch
            {
                '\\' => quoted.Append("\\\\"),
                '"' => quoted.Append("\\\""),
                '\n' => quoted.Append("\\n"),
                '\r' => quoted.Append("\\r"),
                '\t' => quoted.Append("\\t"),
                < ' ' => quoted.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ => quoted.Append(c),
            };
        }

        return quoted.Append('"').ToString();
    }

    /// <summary>The text of a scalar for label/field comparisons and table cells.</summary>
    public static string? ScalarText(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.True => "true",
        JsonValue v when v.GetValueKind() == JsonValueKind.False => "false",
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
        _ => node.ToJsonString(Compact),
    };

    public static string FormatTimestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset? ParseTimestamp(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;
}
