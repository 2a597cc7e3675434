using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ModelOperator.ApiServer.Errors;
using ModelOperator.ApiServer.Json;

namespace ModelOperator.ApiServer.Validation;

/// <summary>
/// Validates an object against a CRD's structural OpenAPI v3 schema: type, nullable, required, enum,
/// minimum/maximum (and exclusive), pattern, minLength/maxLength, minItems/maxItems,
/// minProperties/maxProperties, nested properties/items/additionalProperties, int-or-string and
/// preserve-unknown-fields. Each failure is a cause naming the field path, worded as Kubernetes words it.
/// </summary>
internal static class SchemaValidator
{
    public static List<StatusCause> Validate(JsonObject obj, JsonObject schema)
    {
        var causes = new List<StatusCause>();
        foreach (var (name, value) in obj)
        {
            // The envelope is the server's business, not the schema's.
            if (name is "apiVersion" or "kind" or "metadata")
            {
                continue;
            }

            if (schema.GetObject("properties")?.GetObject(name) is { } propertySchema)
            {
                ValidateNode(value, propertySchema, name, causes);
            }
        }

        foreach (var required in Strings(schema.GetArray("required")))
        {
            if (required is not ("apiVersion" or "kind" or "metadata") && !obj.ContainsKey(required))
            {
                causes.Add(new StatusCause("FieldValueRequired", "Required value", required));
            }
        }

        return causes;
    }

    private static void ValidateNode(JsonNode? value, JsonObject schema, string path, List<StatusCause> causes)
    {
        if (value is null)
        {
            if (schema.GetBoolean("nullable") != true)
            {
                var type = schema.GetString("type");
                if (type is not null)
                {
                    causes.Add(new StatusCause("FieldValueTypeInvalid", $"Invalid value: \"null\": {path} in body must be of type {type}: \"null\"", path));
                }
            }

            return;
        }

        if (!CheckType(value, schema, path, causes))
        {
            return;
        }

        if (schema.GetArray("enum") is { } allowed && !allowed.Any(a => JsonHelpers.DeepEquals(a, value)))
        {
            var list = string.Join(", ", allowed.Select(JsonHelpers.Display));
            causes.Add(new StatusCause("FieldValueNotSupported", $"Unsupported value: {JsonHelpers.Display(value)}: supported values: {list}", path));
            return;
        }

        switch (value)
        {
            case JsonObject o:
                ValidateObject(o, schema, path, causes);
                break;
            case JsonArray a:
                ValidateArray(a, schema, path, causes);
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                ValidateString(v.GetValue<string>(), schema, path, causes);
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                ValidateNumber(v, schema, path, causes);
                break;
        }
    }

    private static bool CheckType(JsonNode value, JsonObject schema, string path, List<StatusCause> causes)
    {
        var kind = value.GetValueKind();
        if (schema.GetBoolean("x-kubernetes-int-or-string") == true)
        {
            if (kind is JsonValueKind.String || (kind is JsonValueKind.Number && JsonHelpers.AsInt64(value) is not null))
            {
                return true;
            }

            causes.Add(new StatusCause("FieldValueTypeInvalid", $"Invalid value: \"{TypeName(kind)}\": {path} in body must be of type integer or string: \"{TypeName(kind)}\"", path));
            return false;
        }

        var type = schema.GetString("type");
        var ok = type switch
        {
            null => true,
            "object" => kind == JsonValueKind.Object,
            "array" => kind == JsonValueKind.Array,
            "string" => kind == JsonValueKind.String,
            "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
            "integer" => kind == JsonValueKind.Number && JsonHelpers.AsInt64(value) is not null,
            "number" => kind == JsonValueKind.Number,
            _ => true,
        };
        if (!ok)
        {
            var actual = type == "integer" && kind == JsonValueKind.Number ? "number" : TypeName(kind);
            causes.Add(new StatusCause("FieldValueTypeInvalid", $"Invalid value: \"{actual}\": {path} in body must be of type {type}: \"{actual}\"", path));
        }

        return ok;
    }

    private static void ValidateObject(JsonObject o, JsonObject schema, string path, List<StatusCause> causes)
    {
        var properties = schema.GetObject("properties");
        var additional = schema.GetObject("additionalProperties");
        foreach (var (name, child) in o)
        {
            var childPath = $"{path}.{name}";
            if (properties?.GetObject(name) is { } propertySchema)
            {
                ValidateNode(child, propertySchema, childPath, causes);
            }
            else if (additional is not null)
            {
                ValidateNode(child, additional, childPath, causes);
            }
        }

        foreach (var required in Strings(schema.GetArray("required")))
        {
            if (!o.ContainsKey(required))
            {
                causes.Add(new StatusCause("FieldValueRequired", "Required value", $"{path}.{required}"));
            }
        }

        if (schema.GetInt64("minProperties") is { } minProps && o.Count < minProps)
        {
            causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {o.Count}: {path} in body should have at least {minProps} properties", path));
        }

        if (schema.GetInt64("maxProperties") is { } maxProps && o.Count > maxProps)
        {
            causes.Add(new StatusCause("FieldValueTooMany", $"Too many: {o.Count}: must have at most {maxProps} items", path));
        }
    }

    private static void ValidateArray(JsonArray a, JsonObject schema, string path, List<StatusCause> causes)
    {
        if (schema.GetInt64("minItems") is { } min && a.Count < min)
        {
            causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {a.Count}: {path} in body should have at least {min} items", path));
        }

        if (schema.GetInt64("maxItems") is { } max && a.Count > max)
        {
            causes.Add(new StatusCause("FieldValueTooMany", $"Too many: {a.Count}: must have at most {max} items", path));
        }

        if (schema.GetObject("items") is { } itemSchema)
        {
            for (var i = 0; i < a.Count; i++)
            {
                ValidateNode(a[i], itemSchema, $"{path}[{i}]", causes);
            }
        }

        if (schema.GetString("x-kubernetes-list-type") == "set" || schema.GetBoolean("uniqueItems") == true)
        {
            for (var i = 0; i < a.Count; i++)
            {
                for (var j = 0; j < i; j++)
                {
                    if (JsonHelpers.DeepEquals(a[i], a[j]))
                    {
                        causes.Add(new StatusCause("FieldValueDuplicate", $"Duplicate value: {JsonHelpers.Display(a[i])}", $"{path}[{i}]"));
                    }
                }
            }
        }
    }

    private static void ValidateString(string s, JsonObject schema, string path, List<StatusCause> causes)
    {
        var length = new StringInfo(s).LengthInTextElements;
        if (schema.GetInt64("minLength") is { } min && length < min)
        {
            causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: \"{s}\": {path} in body should be at least {min} chars long", path));
        }

        if (schema.GetInt64("maxLength") is { } max && length > max)
        {
            causes.Add(new StatusCause("FieldValueTooLong", $"Too long: may not be more than {max} bytes", path));
        }

        if (schema.GetString("pattern") is { } pattern)
        {
            bool matches;
            try
            {
                matches = Regex.IsMatch(s, pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException)
            {
                matches = true;
            }

            if (!matches)
            {
                causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: \"{s}\": {path} in body should match '{pattern}'", path));
            }
        }
    }

    private static void ValidateNumber(JsonValue v, JsonObject schema, string path, List<StatusCause> causes)
    {
        var d = JsonHelpers.AsDouble(v) ?? 0;
        var shown = v.ToJsonString();
        if (Number(schema, "minimum") is { } min)
        {
            var exclusive = schema.GetBoolean("exclusiveMinimum") == true;
            if (exclusive ? d <= min : d < min)
            {
                causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {shown}: {path} in body should be greater than {(exclusive ? "" : "or equal to ")}{Format(min)}", path));
            }
        }

        if (Number(schema, "maximum") is { } max)
        {
            var exclusive = schema.GetBoolean("exclusiveMaximum") == true;
            if (exclusive ? d >= max : d > max)
            {
                causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {shown}: {path} in body should be less than {(exclusive ? "" : "or equal to ")}{Format(max)}", path));
            }
        }

        if (Number(schema, "multipleOf") is { } multiple && multiple > 0 && Math.Abs(Math.IEEERemainder(d, multiple)) > 1e-9)
        {
            causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {shown}: {path} in body should be a multiple of {Format(multiple)}", path));
        }
    }

    private static double? Number(JsonObject schema, string name) =>
        schema.TryGetPropertyValue(name, out var n) ? JsonHelpers.AsDouble(n) : null;

    private static string Format(double d) => d.ToString(CultureInfo.InvariantCulture);

    private static string TypeName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    private static IEnumerable<string> Strings(JsonArray? array) => array?.Select(JsonHelpers.ScalarText).OfType<string>() ?? [];
}
