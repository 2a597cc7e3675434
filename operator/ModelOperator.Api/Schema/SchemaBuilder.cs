using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ModelOperator.Api.Schema;

/// <summary>
/// Builds a structural OpenAPI v3 schema from the API types and their schema attributes: one object schema per
/// record (properties in declaration order, <c>required</c>, CEL rules), descriptions on every field, and the
/// constraints the attributes declare. A property without a <see cref="DescriptionAttribute"/> is an error, so the
/// schema (and <c>kubectl explain</c>) can never silently lose a description.
/// </summary>
public static class SchemaBuilder
{
    private static readonly string[] KeyOrder =
    [
        "description", "type", "format", "enum", "default", "minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum",
        "minLength", "maxLength", "pattern", "minItems", "maxItems", "minProperties", "maxProperties", "items", "properties", "additionalProperties", "required",
        "x-kubernetes-int-or-string", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-list-type", "x-kubernetes-list-map-keys",
        "x-kubernetes-validations",
    ];

    /// <summary>The schema of a record type as an object, with the type's own description.</summary>
    public static JsonObject ForType(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var schema = ObjectSchema(type);
        if (type.GetCustomAttribute<DescriptionAttribute>() is { } description)
        {
            schema["description"] = description.Text;
        }

        return Ordered(schema);
    }

    /// <summary>The wire (JSON) name of a property: its <see cref="JsonPropertyNameAttribute"/> or its camelCase name.</summary>
    public static string JsonName(PropertyInfo property)
    {
        ArgumentNullException.ThrowIfNull(property);
        return property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);
    }

    /// <summary>The serialized properties of a record, in declaration order.</summary>
    public static IEnumerable<PropertyInfo> SchemaProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is null && p.GetCustomAttribute<JsonExtensionDataAttribute>() is null)
            .Where(p => p.GetIndexParameters().Length == 0 && p.SetMethod is not null)
            .OrderBy(p => p.MetadataToken);

    private static JsonObject ObjectSchema(Type type)
    {
        if (KubernetesTypeSchemas.For(type) is { } known)
        {
            return known;
        }

        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var property in SchemaProperties(type))
        {
            var name = JsonName(property);
            properties[name] = PropertySchema(type, property);
            if (property.GetCustomAttribute<RequiredAttribute>() is not null)
            {
                required.Add(name);
            }
        }

        var schema = new JsonObject { ["type"] = "object" };
        if (properties.Count > 0)
        {
            schema["properties"] = properties;
        }

        if (required.Count > 0)
        {
            schema["required"] = required;
        }

        var rules = new JsonArray();
        foreach (var rule in type.GetCustomAttributes<CelRuleAttribute>())
        {
            var entry = new JsonObject { ["rule"] = rule.Rule, ["message"] = rule.Message };
            if (rule.FieldPath is not null)
            {
                entry["fieldPath"] = rule.FieldPath;
            }

            rules.Add(entry);
        }

        if (rules.Count > 0)
        {
            schema["x-kubernetes-validations"] = rules;
        }

        return schema;
    }

    private static JsonObject PropertySchema(Type owner, PropertyInfo property)
    {
        var description = property.GetCustomAttribute<DescriptionAttribute>()
            ?? throw new InvalidOperationException($"{owner.Name}.{property.Name} has no [Description]; every field of the CRD schema must say what it is.");
        var schema = ValueSchema(property.PropertyType, $"{owner.Name}.{property.Name}");
        schema["description"] = description.Text;
        ApplyConstraints(schema, property, $"{owner.Name}.{property.Name}");
        if (property.GetCustomAttribute<ItemDescriptionAttribute>() is { } itemDescription
            && (schema["items"] ?? schema["additionalProperties"]) is JsonObject item)
        {
            item["description"] = itemDescription.Text;
        }

        return schema;
    }

    private static JsonObject ValueSchema(Type type, string where)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return new JsonObject { ["type"] = "string" };
        }

        if (type == typeof(int))
        {
            return new JsonObject { ["type"] = "integer", ["format"] = "int32" };
        }

        if (type == typeof(long))
        {
            return new JsonObject { ["type"] = "integer", ["format"] = "int64" };
        }

        if (type == typeof(double))
        {
            return new JsonObject { ["type"] = "number", ["format"] = "double" };
        }

        if (type == typeof(bool))
        {
            return new JsonObject { ["type"] = "boolean" };
        }

        if (type == typeof(DateTimeOffset))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))
        {
            var args = type.GetGenericArguments();
            if (args[0] != typeof(string))
            {
                throw new InvalidOperationException($"{where}: map keys must be strings, not {args[0].Name}.");
            }

            return new JsonObject { ["type"] = "object", ["additionalProperties"] = ItemSchema(args[1], where) };
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            return new JsonObject { ["type"] = "array", ["items"] = ItemSchema(type.GetGenericArguments()[0], where) };
        }

        if (type.IsClass && (KubernetesTypeSchemas.For(type) is not null || type.Namespace == typeof(ModelDeployment).Namespace))
        {
            return ObjectSchema(type);
        }

        throw new InvalidOperationException($"{where}: no schema mapping for type {type.FullName}.");
    }

    private static JsonObject ItemSchema(Type type, string where)
    {
        var schema = ValueSchema(type, where);
        if (type.GetCustomAttribute<DescriptionAttribute>() is { } description)
        {
            schema["description"] = description.Text;
        }

        return schema;
    }

    private static void ApplyConstraints(JsonObject schema, PropertyInfo property, string where)
    {
        var isInteger = schema["type"]?.GetValue<string>() == "integer";
        if (property.GetCustomAttribute<EnumAttribute>() is { } enumAttribute)
        {
            var values = new JsonArray();
            foreach (var field in enumAttribute.Constants.GetFields(BindingFlags.Public | BindingFlags.Static)
                         .Where(f => f.IsLiteral && f.FieldType == typeof(string))
                         .OrderBy(f => f.MetadataToken))
            {
                values.Add((string)field.GetRawConstantValue()!);
            }

            schema["enum"] = values;
        }

        if (property.GetCustomAttribute<DefaultAttribute>() is { } defaultValue)
        {
            schema["default"] = defaultValue.Value switch
            {
                string s => JsonValue.Create(s),
                int i => JsonValue.Create(i),
                double d => JsonValue.Create(d),
                bool b => JsonValue.Create(b),
                _ => throw new InvalidOperationException($"{where}: unsupported default {defaultValue.Value}."),
            };
        }

        if (property.GetCustomAttribute<DefaultJsonAttribute>() is { } defaultJson)
        {
            schema["default"] = JsonNode.Parse(defaultJson.Json);
        }

        if (property.GetCustomAttribute<RangeAttribute>() is { } range)
        {
            if (!double.IsNaN(range.Minimum))
            {
                schema["minimum"] = Number(range.Minimum, isInteger);
                if (range.ExclusiveMinimum)
                {
                    schema["exclusiveMinimum"] = true;
                }
            }

            if (!double.IsNaN(range.Maximum))
            {
                schema["maximum"] = Number(range.Maximum, isInteger);
            }
        }

        if (property.GetCustomAttribute<LengthAttribute>() is { } length)
        {
            if (length.MinLength >= 0)
            {
                schema["minLength"] = length.MinLength;
            }

            if (length.MaxLength >= 0)
            {
                schema["maxLength"] = length.MaxLength;
            }
        }

        var pattern = property.GetCustomAttribute<PatternAttribute>()?.Pattern;
        if (property.GetCustomAttribute<DurationAttribute>() is not null)
        {
            if (pattern is not null)
            {
                throw new InvalidOperationException($"{where}: a duration field has its own pattern; remove [Pattern].");
            }

            pattern = GoDuration.Pattern;
            schema["maxLength"] = DurationAttribute.MaxLength;
        }

        if (pattern is not null)
        {
            schema["pattern"] = pattern;
        }

        if (property.GetCustomAttribute<ItemsAttribute>() is { } items)
        {
            var isMap = schema["type"]?.GetValue<string>() == "object";
            if (items.MinItems > 0)
            {
                schema[isMap ? "minProperties" : "minItems"] = items.MinItems;
            }

            if (items.MaxItems >= 0)
            {
                schema[isMap ? "maxProperties" : "maxItems"] = items.MaxItems;
            }
        }

        if (property.GetCustomAttribute<MapBoundsAttribute>() is { } map)
        {
            if (schema["additionalProperties"] is not JsonObject values || values["type"]?.GetValue<string>() != "string")
            {
                throw new InvalidOperationException($"{where}: [MapBounds] needs a map of strings.");
            }

            values["maxLength"] = map.MaxValueLength;
            schema["x-kubernetes-validations"] = new JsonArray(new JsonObject
            {
                ["rule"] = map.KeyRule,
                ["message"] = $"keys must have 1 to {map.MaxKeyLength} characters",
            });
        }

        if (property.GetCustomAttribute<ListMapAttribute>() is { } listMap)
        {
            schema["x-kubernetes-list-type"] = "map";
            var keys = new JsonArray();
            foreach (var key in listMap.Keys)
            {
                keys.Add(key);
            }

            schema["x-kubernetes-list-map-keys"] = keys;
        }
    }

    private static JsonValue Number(double value, bool isInteger)
    {
        if (isInteger || (value == Math.Floor(value) && Math.Abs(value) < 1e15))
        {
            return JsonValue.Create((long)value);
        }

        return JsonValue.Create(double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
    }

    /// <summary>Rewrites every schema node with its keywords in one fixed order (property names keep declaration order).</summary>
    private static JsonObject Ordered(JsonObject schema)
    {
        var result = new JsonObject();
        var keys = schema.Select(kv => kv.Key)
            .OrderBy(k => Array.IndexOf(KeyOrder, k) is var i && i >= 0 ? i : KeyOrder.Length)
            .ThenBy(k => k, StringComparer.Ordinal)
            .ToList();
        foreach (var key in keys)
        {
            var value = schema[key];
            result[key] = key switch
            {
                "properties" => OrderedProperties((JsonObject)value!),
                "items" or "additionalProperties" when value is JsonObject nested => Ordered(nested),
                _ => value?.DeepClone(),
            };
        }

        return result;
    }

    private static JsonObject OrderedProperties(JsonObject properties)
    {
        var result = new JsonObject();
        foreach (var (name, value) in properties)
        {
            result[name] = Ordered((JsonObject)value!);
        }

        return result;
    }
}
