using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace ModelOperator.Api.Schema;

/// <summary>
/// The reference page of ModelDeployment in Markdown, generated from the same schema as the CRD: one section per
/// object with a table of its fields (type, required, default, limits, description) and its cross-field rules.
/// </summary>
public static class ReferenceDocGenerator
{
    /// <summary>Where the generated page is committed, relative to the repository root.</summary>
    public const string RelativePath = "docs/reference/modeldeployment.md";

    public static string Generate()
    {
        var crd = CrdGenerator.Generate();
        var version = crd["spec"]!["versions"]![0]!;
        var root = version["schema"]!["openAPIV3Schema"]!.AsObject();
        var text = new StringBuilder();
        text.Append("# ModelDeployment reference\n\n");
        text.Append("<!-- Generated from the C# types in operator/ModelOperator.Api by `make crds`. Do not edit by hand. -->\n\n");
        text.Append(CultureInfo.InvariantCulture,
            $"API version `{ModelDeployment.Group}/{ModelDeployment.Version}`, kind `{ModelDeployment.KindName}`, plural `{ModelDeployment.Plural}`, short name `{ModelDeployment.ShortName}`, namespaced. ");
        text.Append(CultureInfo.InvariantCulture, $"The CRD is [`{CrdGenerator.RelativePath}`](../../{CrdGenerator.RelativePath}).\n\n");
        text.Append(Cell(root["description"]!.GetValue<string>())).Append("\n\n");
        text.Append("Durations are strings in Go/Kubernetes form: ").Append(GoDuration.Allowed).Append(".\n\n");

        text.Append("## kubectl get md\n\n| Column | JSONPath | Meaning |\n|---|---|---|\n");
        foreach (var (name, _, path, description) in CrdGenerator.PrinterColumns)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {name} | `{path}` | {Cell(description)} |\n");
        }

        text.Append("\nThe `/scale` subresource reads `.spec.replicas` and `.status.replicas` with the selector `.status.selector`, so `kubectl scale md NAME --replicas=N` works.\n\n");

        text.Append("## Manual actions\n\n");
        text.Append("Pause and resume with `spec.paused`. One-shot actions are the annotation `").Append(Annotations.Action)
            .Append("`; the operator performs each once, records it in `status.lastDecision` and removes the annotation.\n\n");
        text.Append("| Value | Effect |\n|---|---|\n");
        text.Append(CultureInfo.InvariantCulture, $"| `{ManualActions.PromoteStep}` | Finish the current step now (a pause, an analysis, a weight's pods) and go on with the next; on the last step the canary is promoted. |\n");
        text.Append(CultureInfo.InvariantCulture, $"| `{ManualActions.Promote}` | Skip every remaining step and promote the canary now. |\n");
        text.Append(CultureInfo.InvariantCulture, $"| `{ManualActions.Abort}` | Roll the canary back now and quarantine its revision. |\n");
        text.Append(CultureInfo.InvariantCulture, $"| `{ManualActions.Retry}` | Lift the quarantine of the current spec's revision and start a new canary. |\n");
        text.Append(CultureInfo.InvariantCulture, $"| `{ManualActions.Undo}` | Roll back to the revision numbered by the annotation `{Annotations.UndoRevision}` (from `status.revisionHistory`), or to the previous one without it. |\n\n");
        text.Append("Example: `kubectl annotate md churn ").Append(Annotations.Action).Append('=').Append(ManualActions.Promote).Append("`.\n\n");

        text.Append("## Conditions\n\n");
        text.Append("Types: ").Append(string.Join(", ", ConstantValues(typeof(Conditions)).Select(v => $"`{v}`"))).Append(".\n\n");
        text.Append("Reasons: ").Append(string.Join(", ", ConstantValues(typeof(Reasons)).Select(v => $"`{v}`"))).Append(".\n\n");

        var properties = root["properties"]!.AsObject();
        foreach (var top in new[] { "spec", "status" })
        {
            WriteObject(text, top, properties[top]!.AsObject());
        }

        return text.ToString();
    }

    private static void WriteObject(StringBuilder text, string path, JsonObject schema)
    {
        text.Append("## `").Append(path).Append("`\n\n");
        if (schema["description"] is { } description)
        {
            text.Append(Cell(description.GetValue<string>())).Append("\n\n");
        }

        var nested = new List<(string Path, JsonObject Schema)>();
        if (schema["properties"] is JsonObject properties && properties.Count > 0)
        {
            var required = (schema["required"] as JsonArray)?.Select(r => r!.GetValue<string>()).ToHashSet(StringComparer.Ordinal) ?? [];
            text.Append("| Field | Type | Description |\n|---|---|---|\n");
            foreach (var (name, node) in properties)
            {
                var field = node!.AsObject();
                var childPath = $"{path}.{name}";
                var (type, child) = TypeOf(field, childPath);
                if (child is not null)
                {
                    nested.Add(child.Value);
                }

                text.Append(CultureInfo.InvariantCulture, $"| `{name}` | {type} | {Cell(Details(field, required.Contains(name)))} |\n");
            }

            text.Append('\n');
        }
        else
        {
            text.Append("No fields: write `{}`.\n\n");
        }

        if (schema["x-kubernetes-validations"] is JsonArray rules && rules.Count > 0)
        {
            text.Append("Rules:\n\n");
            foreach (var rule in rules)
            {
                text.Append("- ").Append(Cell(rule!["message"]!.GetValue<string>())).Append(" (`").Append(Cell(rule["rule"]!.GetValue<string>())).Append("`)\n");
            }

            text.Append('\n');
        }

        foreach (var (childPath, child) in nested)
        {
            WriteObject(text, childPath, child);
        }
    }

    private static (string Type, (string, JsonObject)? Child) TypeOf(JsonObject field, string path)
    {
        var type = field["type"]?.GetValue<string>();
        switch (type)
        {
            case "object" when field["properties"] is not null || IsEmptyObject(field):
                return ($"[object](#{Anchor(path)})", (path, field));
            case "object" when field["additionalProperties"] is JsonObject values:
                return ($"map[string]{values["type"]?.GetValue<string>() ?? "object"}", null);
            case "array" when field["items"] is JsonObject items:
                if (items["type"]?.GetValue<string>() == "object" && items["properties"] is not null)
                {
                    return ($"[[]object](#{Anchor(path + "[]")})", (path + "[]", items));
                }

                return ($"[]{items["type"]?.GetValue<string>()}", null);
            case "string" when field["format"]?.GetValue<string>() == "date-time":
                return ("time (RFC 3339)", null);
            case null when field["x-kubernetes-int-or-string"] is not null:
                return ("int or string", null);
            default:
                return (type ?? "any", null);
        }
    }

    private static bool IsEmptyObject(JsonObject field) =>
        field["additionalProperties"] is null && field["x-kubernetes-preserve-unknown-fields"] is null;

    private static string Details(JsonObject field, bool required)
    {
        var parts = new List<string> { field["description"]?.GetValue<string>() ?? "" };
        if (required)
        {
            parts.Add("Required.");
        }

        if (field["default"] is { } defaultValue)
        {
            parts.Add($"Default: `{defaultValue.ToJsonString()}`.");
        }

        if (field["enum"] is JsonArray values)
        {
            parts.Add("One of: " + string.Join(", ", values.Select(v => $"`{v!.GetValue<string>()}`")) + ".");
        }

        var min = field["minimum"]?.ToJsonString();
        var max = field["maximum"]?.ToJsonString();
        var exclusive = field["exclusiveMinimum"]?.GetValue<bool>() == true;
        if (min is not null || max is not null)
        {
            var bounds = new[] { min is null ? null : exclusive ? $"greater than {min}" : $"at least {min}", max is null ? null : $"at most {max}" };
            var sentence = string.Join(" and ", bounds.OfType<string>());
            parts.Add(string.Concat(sentence[..1].ToUpperInvariant(), sentence[1..], "."));
        }

        if (field["minItems"] is not null || field["maxItems"] is not null)
        {
            parts.Add($"Items: {field["minItems"]?.ToJsonString() ?? "0"} to {field["maxItems"]?.ToJsonString() ?? "any"}.");
        }

        if (field["pattern"] is { } pattern && pattern.GetValue<string>() != GoDuration.Pattern)
        {
            parts.Add($"Pattern: `{pattern.GetValue<string>()}`.");
        }

        if (field["pattern"]?.GetValue<string>() == GoDuration.Pattern)
        {
            parts.Add("A duration.");
        }

        return string.Join(" ", parts.Where(p => p.Length > 0));
    }

    private static IEnumerable<string> ConstantValues(Type type) =>
        type.GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .OrderBy(f => f.MetadataToken)
            .Select(f => (string)f.GetRawConstantValue()!);

    /// <summary>GitHub's heading anchor for a code-formatted path: lower case, dots and brackets dropped.</summary>
    private static string Anchor(string path) =>
        new(path.ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_').ToArray());

    private static string Cell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
