using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Cel;
using ModelOperator.ApiServer.Errors;
using ModelOperator.ApiServer.Json;

namespace ModelOperator.ApiServer.Validation;

/// <summary>
/// Evaluates a CRD's <c>x-kubernetes-validations</c> (CEL) rules over an object, as kube-apiserver does: each rule
/// runs on every present, non-null value its schema node describes, with <c>self</c> bound to that value. A transition
/// rule (one that uses <c>oldSelf</c>) runs only on an update, where an old value correlates with the new one: object
/// fields by name, map entries by key, items of <c>x-kubernetes-list-type: map</c> lists by their keys. A plain rule that
/// fails on a value that did not change in the update is ratcheted (a real server only warns), so an object stored
/// before a rule was added stays writable. A failed rule is a cause at the value's path (plus its fieldPath).
/// </summary>
internal static class ValidationRules
{
    /// <summary>Compiled rules per schema node: CRD schemas are immutable once served, so nodes are stable keys.</summary>
    private static readonly ConditionalWeakTable<JsonObject, IReadOnlyList<ValidationRule>> Compiled = [];

    public static List<StatusCause> Validate(JsonObject obj, JsonObject? old, JsonObject schema)
    {
        var causes = new List<StatusCause>();
        Visit(obj, old, schema, path: null, correlated: old is not null, ancestorUnchanged: false, root: true, causes);
        return causes;
    }

    private static void Visit(JsonNode? value, JsonNode? old, JsonObject schema, string? path, bool correlated, bool ancestorUnchanged, bool root, List<StatusCause> causes)
    {
        if (value is null)
        {
            // Rules see only non-null values; presence is for the parent's rules to check.
            return;
        }

        var unchanged = correlated ? JsonHelpers.DeepEquals(value, old) : ancestorUnchanged;
        if (schema.ContainsKey("x-kubernetes-validations"))
        {
            Evaluate(value, correlated ? old : null, schema, path, root, unchanged, causes);
        }

        switch (value)
        {
            case JsonObject o:
                var properties = schema.GetObject("properties");
                var additional = schema.GetObject("additionalProperties");
                foreach (var (name, child) in o)
                {
                    if (root && name is "apiVersion" or "kind" or "metadata")
                    {
                        continue;
                    }

                    var (childSchema, childPath) = properties?.GetObject(name) is { } p
                        ? (p, path is null ? name : $"{path}.{name}")
                        : (additional, $"{path}[{name}]");
                    if (childSchema is not null)
                    {
                        var oldChild = correlated && old is JsonObject oldObject && oldObject.TryGetPropertyValue(name, out var oc) ? oc : null;
                        Visit(child, oldChild, childSchema, childPath, oldChild is not null, unchanged, root: false, causes);
                    }
                }

                break;
            case JsonArray a when schema.GetObject("items") is { } items:
                for (var i = 0; i < a.Count; i++)
                {
                    var oldItem = correlated ? CorrelatedItem(a[i], old as JsonArray, schema) : null;
                    Visit(a[i], oldItem, items, $"{path}[{i}]", oldItem is not null, unchanged, root: false, causes);
                }

                break;
        }
    }

    /// <summary>The old item with the same keys, for lists of type map; other lists' items do not correlate.</summary>
    private static JsonNode? CorrelatedItem(JsonNode? item, JsonArray? old, JsonObject schema)
    {
        if (old is null || item is not JsonObject itemObject || schema.GetString("x-kubernetes-list-type") != "map")
        {
            return null;
        }

        var keys = schema.GetArray("x-kubernetes-list-map-keys")?.Select(JsonHelpers.ScalarText).OfType<string>().ToList() ?? [];
        return old.OfType<JsonObject>().FirstOrDefault(o => keys.All(k => JsonHelpers.DeepEquals(o[k], itemObject[k])));
    }

    private static void Evaluate(JsonNode value, JsonNode? old, JsonObject schema, string? path, bool root, bool unchanged, List<StatusCause> causes)
    {
        IReadOnlyList<ValidationRule> rules;
        try
        {
            rules = Compiled.GetValue(schema, s => ValidationRule.CompileAll(s, root));
        }
        catch (CelCompileException ex)
        {
            // Refused when the CRD was written; reaching here means the schema came in some other way.
            causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: \"{TypeOf(schema)}\": rule compile error: {ex.Message}", path ?? "<nil>"));
            return;
        }

        var self = CelValues.FromJson(value, schema, root);
        var oldSelf = old is null ? null : CelValues.FromJson(old, schema, root);
        foreach (var rule in rules)
        {
            if (rule.Program.UsesOldSelf && old is null)
            {
                continue;
            }

            object? result;
            try
            {
                result = rule.Program.Evaluate(self, oldSelf);
            }
            catch (CelEvaluationException ex)
            {
                causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: \"{TypeOf(schema)}\": {ex.Message} evaluating rule: {rule.ErrorString}", path ?? "<nil>"));
                continue;
            }

            if (result is true || (!rule.Program.UsesOldSelf && unchanged))
            {
                continue;
            }

            var field = rule.NormalizedFieldPath() is { } child ? (path is null ? child : child.StartsWith('[') ? path + child : $"{path}.{child}") : path ?? "<nil>";
            causes.Add(Cause(rule.Reason, rule.Detail(self), TypeOf(schema), field));
        }
    }

    /// <summary>The cause as field.Invalid, Forbidden, Required or Duplicate words it, with the schema type as the value.</summary>
    private static StatusCause Cause(string? reason, string detail, string type, string field) => reason switch
    {
        "FieldValueForbidden" => new StatusCause(reason, $"Forbidden: {detail}", field),
        "FieldValueRequired" => new StatusCause(reason, $"Required value: {detail}", field),
        "FieldValueDuplicate" => new StatusCause(reason, $"Duplicate value: \"{type}\"", field),
        _ => new StatusCause("FieldValueInvalid", $"Invalid value: \"{type}\": {detail}", field),
    };

    private static string TypeOf(JsonObject schema) => schema.GetString("type") ?? "";
}
