using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Errors;
using ModelOperator.ApiServer.Json;
using ModelOperator.ApiServer.Validation;

namespace ModelOperator.ApiServer.Resources;

/// <summary>
/// Turns a CustomResourceDefinition object into the resource types it serves (one per served
/// version), and checks the parts of the definition the server relies on.
/// </summary>
internal static class CrdDefinition
{
    private static readonly string[] ColumnTypes = ["integer", "number", "string", "boolean", "date"];

    /// <summary>Field errors in the definition; empty when it can be served.</summary>
    public static List<StatusCause> Validate(JsonObject crd)
    {
        var causes = new List<StatusCause>();
        var spec = crd.GetObject("spec");
        if (spec is null)
        {
            causes.Add(Required("spec"));
            return causes;
        }

        var group = spec.GetString("group");
        if (string.IsNullOrEmpty(group))
        {
            causes.Add(Required("spec.group"));
        }
        else if (!group.Contains('.', StringComparison.Ordinal))
        {
            causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: \"{group}\": should be a domain with at least one dot", "spec.group"));
        }

        var names = spec.GetObject("names");
        var plural = names?.GetString("plural");
        var kind = names?.GetString("kind");
        if (string.IsNullOrEmpty(plural))
        {
            causes.Add(Required("spec.names.plural"));
        }
        else if (!plural.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: \"{plural}\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'", "spec.names.plural"));
        }

        if (string.IsNullOrEmpty(kind))
        {
            causes.Add(Required("spec.names.kind"));
        }

        var scope = spec.GetString("scope");
        if (scope is not ("Namespaced" or "Cluster"))
        {
            causes.Add(scope is null
                ? Required("spec.scope")
                : new StatusCause("FieldValueNotSupported", $"Unsupported value: \"{scope}\": supported values: \"Cluster\", \"Namespaced\"", "spec.scope"));
        }

        var expectedName = $"{plural}.{group}";
        if (!string.IsNullOrEmpty(plural) && !string.IsNullOrEmpty(group) && crd.Name() != expectedName)
        {
            causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: \"{crd.Name()}\": must be spec.names.plural+\".\"+spec.group", "metadata.name"));
        }

        var versions = spec.GetArray("versions");
        if (versions is null || versions.Count == 0)
        {
            causes.Add(Required("spec.versions"));
            return causes;
        }

        var storageCount = 0;
        for (var i = 0; i < versions.Count; i++)
        {
            var path = $"spec.versions[{i}]";
            if (versions[i] is not JsonObject v)
            {
                causes.Add(new StatusCause("FieldValueInvalid", "Invalid value: must be an object", path));
                continue;
            }

            if (string.IsNullOrEmpty(v.GetString("name")))
            {
                causes.Add(Required(path + ".name"));
            }

            if (v.GetBoolean("storage") == true)
            {
                storageCount++;
            }

            var schema = v.GetObject("schema")?.GetObject("openAPIV3Schema");
            if (schema is null)
            {
                causes.Add(new StatusCause("FieldValueRequired", "Required value: schemas are required", path + ".schema.openAPIV3Schema"));
            }
            else if (schema.GetString("type") != "object")
            {
                causes.Add(new StatusCause("FieldValueInvalid", "Invalid value: must be object at the root", path + ".schema.openAPIV3Schema.type"));
            }
            else
            {
                causes.AddRange(ValidationRuleDefinitions.Check(schema, path + ".schema.openAPIV3Schema"));
            }

            if (v.GetArray("additionalPrinterColumns") is { } columns)
            {
                for (var c = 0; c < columns.Count; c++)
                {
                    var cpath = $"{path}.additionalPrinterColumns[{c}]";
                    var col = columns[c] as JsonObject;
                    if (string.IsNullOrEmpty(col?.GetString("name")))
                    {
                        causes.Add(Required(cpath + ".name"));
                    }

                    if (string.IsNullOrEmpty(col?.GetString("jsonPath")))
                    {
                        causes.Add(Required(cpath + ".jsonPath"));
                    }

                    var type = col?.GetString("type");
                    if (type is null || !ColumnTypes.Contains(type))
                    {
                        causes.Add(new StatusCause("FieldValueNotSupported", $"Unsupported value: \"{type}\": supported values: {string.Join(", ", ColumnTypes.Select(t => $"\"{t}\""))}", cpath + ".type"));
                    }
                }
            }
        }

        if (storageCount != 1)
        {
            causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {storageCount}: must have exactly one version marked as storage version", "spec.versions"));
        }

        return causes;
    }

    /// <summary>The resource types a valid definition serves.</summary>
    public static List<ResourceType> ServedTypes(JsonObject crd)
    {
        var spec = crd.GetObject("spec")!;
        var names = spec.GetObject("names")!;
        var kind = names.GetString("kind")!;
        var result = new List<ResourceType>();
        foreach (var node in spec.GetArray("versions")!)
        {
            if (node is not JsonObject v || v.GetBoolean("served") == false)
            {
                continue;
            }

            var subresources = v.GetObject("subresources");
            var scale = subresources?.GetObject("scale");
            result.Add(new ResourceType
            {
                Group = spec.GetString("group")!,
                Version = v.GetString("name")!,
                Kind = kind,
                Plural = names.GetString("plural")!,
                Singular = names.GetString("singular") ?? kind.ToLowerInvariant(),
                Namespaced = spec.GetString("scope") == "Namespaced",
                ShortNames = Strings(names.GetArray("shortNames")),
                Categories = Strings(names.GetArray("categories")),
                HasStatus = subresources?.ContainsKey("status") == true,
                Scale = scale is null
                    ? null
                    : new ScaleSubresource(scale.GetString("specReplicasPath") ?? ".spec.replicas", scale.GetString("statusReplicasPath") ?? ".status.replicas", scale.GetString("labelSelectorPath")),
                Schema = (JsonObject?)v.GetObject("schema")?.GetObject("openAPIV3Schema")?.DeepClone(),
                PrinterColumns = Columns(v.GetArray("additionalPrinterColumns")),
                IsCustom = true,
            });
        }

        return result;
    }

    /// <summary>The status a served CRD reports: accepted names and the Established condition.</summary>
    public static JsonObject AcceptedStatus(JsonObject crd, string now)
    {
        var names = crd.GetObject("spec")?.GetObject("names")?.DeepClone() as JsonObject ?? new JsonObject();
        if (names.GetString("singular") is null && names.GetString("kind") is { } k)
        {
            names["singular"] = k.ToLowerInvariant();
        }

        names["listKind"] ??= names.GetString("kind") + "List";
        var storedVersions = new JsonArray();
        foreach (var v in crd.GetObject("spec")?.GetArray("versions") ?? [])
        {
            if (v is JsonObject o && o.GetBoolean("storage") == true)
            {
                storedVersions.Add(o.GetString("name"));
            }
        }

        return new JsonObject
        {
            ["acceptedNames"] = names,
            ["conditions"] = new JsonArray
            {
                Condition("NamesAccepted", "NoConflicts", "no conflicts found", now),
                Condition("Established", "InitialNamesAccepted", "the initial names have been accepted", now),
            },
            ["storedVersions"] = storedVersions,
        };
    }

    private static JsonObject Condition(string type, string reason, string message, string now) => new()
    {
        ["type"] = type,
        ["status"] = "True",
        ["lastTransitionTime"] = now,
        ["reason"] = reason,
        ["message"] = message,
    };

    private static List<PrinterColumn> Columns(JsonArray? array)
    {
        var list = new List<PrinterColumn>();
        foreach (var node in array ?? [])
        {
            if (node is JsonObject c)
            {
                list.Add(new PrinterColumn(
                    c.GetString("name") ?? "",
                    c.GetString("type") ?? "string",
                    c.GetString("jsonPath") ?? "",
                    c.GetString("description") ?? "",
                    (int)(c.GetInt64("priority") ?? 0),
                    c.GetString("format") ?? ""));
            }
        }

        return list;
    }

    private static List<string> Strings(JsonArray? array) =>
        array?.Select(JsonHelpers.ScalarText).OfType<string>().ToList() ?? [];

    private static StatusCause Required(string field) => new("FieldValueRequired", "Required value", field);
}
