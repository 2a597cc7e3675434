using System.Globalization;
using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Json;
using ModelOperator.ApiServer.Resources;

namespace ModelOperator.ApiServer.Tables;

/// <summary>
/// Builds <c>meta.k8s.io/v1 Table</c> objects: built-in columns for built-in kinds, the CRD's
/// additionalPrinterColumns (date columns rendered as ages) or Name and Age.
/// </summary>
internal static class TableBuilder
{
    public static IReadOnlyList<TableColumn> Columns(ResourceType type)
    {
        if (!type.IsCustom)
        {
            return BuiltInColumns.For(type.StorageKey);
        }

        if (type.PrinterColumns.Count == 0)
        {
            return BuiltInColumns.Default;
        }

        var columns = new List<TableColumn> { BuiltInColumns.Name };
        foreach (var pc in type.PrinterColumns)
        {
            JsonPathExpression? path;
            try
            {
                path = JsonPathExpression.Parse(pc.JsonPath);
            }
            catch (FormatException)
            {
                path = null;
            }

            columns.Add(new TableColumn(pc.Name, pc.Type, pc.Format, pc.Description, pc.Priority, (o, now) => Cell(path, pc.Type, o, now)));
        }

        return columns;
    }

    /// <summary>A Table holding rows for <paramref name="objects"/>; column definitions only when asked for.</summary>
    public static JsonObject Build(IReadOnlyList<TableColumn> columns, IEnumerable<JsonObject> objects, DateTimeOffset now, string includeObject, bool withColumnDefinitions, string? resourceVersion, string? continueToken)
    {
        var metadata = new JsonObject();
        if (resourceVersion is not null)
        {
            metadata["resourceVersion"] = resourceVersion;
        }

        if (!string.IsNullOrEmpty(continueToken))
        {
            metadata["continue"] = continueToken;
        }

        var definitions = new JsonArray();
        if (withColumnDefinitions)
        {
            foreach (var c in columns)
            {
                definitions.Add(new JsonObject
                {
                    ["name"] = c.Name,
                    ["type"] = c.Type,
                    ["format"] = c.Format,
                    ["description"] = c.Description,
                    ["priority"] = c.Priority,
                });
            }
        }

        var rows = new JsonArray();
        foreach (var obj in objects)
        {
            var cells = new JsonArray();
            foreach (var c in columns)
            {
                cells.Add(c.Cell(obj, now)?.DeepClone());
            }

            var row = new JsonObject { ["cells"] = cells };
            switch (includeObject)
            {
                case "None":
                    break;
                case "Object":
                    row["object"] = obj.DeepClone();
                    break;
                default:
                    row["object"] = new JsonObject
                    {
                        ["kind"] = "PartialObjectMetadata",
                        ["apiVersion"] = "meta.k8s.io/v1",
                        ["metadata"] = obj.GetObject("metadata")?.DeepClone() ?? new JsonObject(),
                    };
                    break;
            }

            rows.Add(row);
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = metadata,
            ["columnDefinitions"] = definitions,
            ["rows"] = rows,
        };
    }

    private static JsonNode? Cell(JsonPathExpression? path, string type, JsonObject obj, DateTimeOffset now)
    {
        if (path is null)
        {
            return null;
        }

        var results = path.Evaluate(obj).Where(r => r is not null).ToList();
        if (results.Count == 0)
        {
            return null;
        }

        if (results.Count > 1)
        {
            return string.Join(",", results.Select(JsonHelpers.ScalarText));
        }

        var value = results[0]!;
        return type switch
        {
            "date" => JsonHelpers.ParseTimestamp(JsonHelpers.ScalarText(value)) is { } t ? HumanDuration.Format(now - t) : JsonHelpers.ScalarText(value),
            "integer" => JsonHelpers.AsInt64(value) is { } l ? l : JsonHelpers.ScalarText(value),
            "number" => JsonHelpers.AsDouble(value) is { } d ? d : JsonHelpers.ScalarText(value),
            "boolean" => value is JsonValue b && b.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False ? b.GetValue<bool>() : JsonHelpers.ScalarText(value),
            _ => value is JsonObject or JsonArray ? value.ToJsonString(JsonHelpers.Compact) : JsonHelpers.ScalarText(value),
        };
    }

    internal static string FormatInvariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
