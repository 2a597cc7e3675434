using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Cel;
using ModelOperator.ApiServer.Errors;
using ModelOperator.ApiServer.Json;

namespace ModelOperator.ApiServer.Validation;

/// <summary>
/// The checks a real API server makes on a CRD's <c>x-kubernetes-validations</c> when the CRD is written: each rule is
/// present and compiles against its schema, a messageExpression compiles, the reason is one of the four allowed,
/// a message has no line breaks, and <c>oldSelf</c> is used only where old values correlate (not under the items of a
/// list that is not <c>x-kubernetes-list-type: map</c>). Paths are worded as kube-apiserver words them
/// (<c>…openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule</c>).
/// </summary>
internal static class ValidationRuleDefinitions
{
    public static List<StatusCause> Check(JsonObject schema, string path)
    {
        var causes = new List<StatusCause>();
        Visit(schema, path, root: true, correlatable: true, causes);
        return causes;
    }

    private static void Visit(JsonObject schema, string path, bool root, bool correlatable, List<StatusCause> causes)
    {
        var rules = schema.GetArray("x-kubernetes-validations") ?? [];
        for (var i = 0; i < rules.Count; i++)
        {
            if (rules[i] is JsonObject rule)
            {
                CheckRule(rule, schema, $"{path}.x-kubernetes-validations[{i}]", root, correlatable, causes);
            }
        }

        foreach (var (name, child) in schema.GetObject("properties") ?? [])
        {
            if (child is JsonObject property)
            {
                Visit(property, $"{path}.properties[{name}]", root: false, correlatable, causes);
            }
        }

        if (schema.GetObject("additionalProperties") is { } additional)
        {
            Visit(additional, $"{path}.additionalProperties", root: false, correlatable, causes);
        }

        if (schema.GetObject("items") is { } items)
        {
            Visit(items, $"{path}.items", root: false, correlatable && schema.GetString("x-kubernetes-list-type") == "map", causes);
        }
    }

    private static void CheckRule(JsonObject rule, JsonObject schema, string path, bool root, bool correlatable, List<StatusCause> causes)
    {
        var source = rule.GetString("rule");
        if (string.IsNullOrWhiteSpace(source))
        {
            causes.Add(new StatusCause("FieldValueRequired", "Required value", path + ".rule"));
            return;
        }

        try
        {
            var program = CelProgram.Compile(source, schema, root);
            if (program.UsesOldSelf && !correlatable)
            {
                causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {GoValue(rule)}: oldSelf cannot be used on the uncorrelatable portion of the schema within {path}", path + ".rule"));
            }
        }
        catch (CelCompileException ex)
        {
            causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {GoValue(rule)}: compilation failed: {ex.Message}", path + ".rule"));
        }

        if (rule.GetString("messageExpression") is { Length: > 0 } messageExpression)
        {
            try
            {
                CelProgram.Compile(messageExpression, schema, root);
            }
            catch (CelCompileException ex)
            {
                causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {GoValue(rule)}: messageExpression compilation failed: {ex.Message}", path + ".messageExpression"));
            }
        }

        if (rule.GetString("message") is { } message && message.Contains('\n', StringComparison.Ordinal))
        {
            causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: \"{message}\": message must not contain line breaks", path + ".message"));
        }

        if (rule.GetString("reason") is { } reason && !ValidationRule.Reasons.Contains(reason))
        {
            var supported = string.Join(", ", ValidationRule.Reasons.Select(r => $"\"{r}\""));
            causes.Add(new StatusCause("FieldValueNotSupported", $"Unsupported value: \"{reason}\": supported values: {supported}", path + ".reason"));
        }

        if (rule.GetString("fieldPath") is { Length: > 0 } fieldPath && !ResolvesIn(schema, fieldPath))
        {
            causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: \"{fieldPath}\": fieldPath must be a valid path: does not refer to a valid field", path + ".fieldPath"));
        }
    }

    /// <summary>Whether a fieldPath (<c>.a.b</c>, <c>.a['k']</c>, <c>.a[0]</c>) names a field the schema declares.</summary>
    private static bool ResolvesIn(JsonObject schema, string fieldPath)
    {
        var current = schema;
        var i = 0;
        while (i < fieldPath.Length)
        {
            if (fieldPath[i] == '.')
            {
                var end = fieldPath.IndexOfAny(['.', '['], i + 1);
                var name = end < 0 ? fieldPath[(i + 1)..] : fieldPath[(i + 1)..end];
                if (name.Length == 0 || current.GetObject("properties")?.GetObject(name) is not { } property)
                {
                    return false;
                }

                current = property;
                i = end < 0 ? fieldPath.Length : end;
            }
            else if (fieldPath[i] == '[')
            {
                var end = fieldPath.IndexOf(']', i);
                if (end < 0 || (current.GetObject("items") ?? current.GetObject("additionalProperties")) is not { } inner)
                {
                    return false;
                }

                current = inner;
                i = end + 1;
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The rule as Go's %#v prints apiextensions.ValidationRule, which is how a real server shows the bad value.</summary>
    private static string GoValue(JsonObject rule)
    {
        static string Quote(string? s) => "\"" + (s ?? "").Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
        var reason = rule.GetString("reason") is { } r ? $"(*apiextensions.FieldValueErrorReason)({Quote(r)})" : "(*apiextensions.FieldValueErrorReason)(nil)";
        var optional = rule.GetBoolean("optionalOldSelf") is { } o ? $"(*bool)({(o ? "true" : "false")})" : "(*bool)(nil)";
        return $"apiextensions.ValidationRule{{Rule:{Quote(rule.GetString("rule"))}, Message:{Quote(rule.GetString("message"))}, MessageExpression:{Quote(rule.GetString("messageExpression"))}, Reason:{reason}, FieldPath:{Quote(rule.GetString("fieldPath"))}, OptionalOldSelf:{optional}}}";
    }
}
