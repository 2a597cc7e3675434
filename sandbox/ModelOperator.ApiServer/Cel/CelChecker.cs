using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Json;

namespace ModelOperator.ApiServer.Cel;

/// <summary>
/// The compile-time checks a real API server makes before it accepts a rule: every name is declared (<c>self</c>,
/// <c>oldSelf</c>, a macro's variable), every function exists with that many arguments, and a field selected on an
/// object whose schema lists its properties is one of them (<c>undefined field 'x'</c>). Schemas follow selections,
/// indexing and macro variables; where a schema says nothing (preserve-unknown-fields, additionalProperties), anything goes.
/// </summary>
internal sealed class CelChecker
{
    private static readonly JsonObject StringSchema = new() { ["type"] = "string" };
    private static readonly JsonObject RootMetadataSchema = new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject { ["name"] = new JsonObject { ["type"] = "string" }, ["generateName"] = new JsonObject { ["type"] = "string" } },
    };

    private readonly string _source;
    private readonly JsonObject? _selfSchema;
    private readonly bool _resourceRoot;

    private CelChecker(string source, JsonObject? selfSchema, bool resourceRoot)
    {
        _source = source;
        _selfSchema = selfSchema;
        _resourceRoot = resourceRoot;
    }

    /// <summary>Checks <paramref name="expr"/>; returns whether it refers to <c>oldSelf</c> (a transition rule).</summary>
    public static bool Check(string source, CelExpr expr, JsonObject? selfSchema, bool resourceRoot)
    {
        var checker = new CelChecker(source, selfSchema, resourceRoot);
        var scope = new Dictionary<string, JsonObject?>(StringComparer.Ordinal) { ["self"] = selfSchema, ["oldSelf"] = selfSchema };
        var usesOldSelf = false;
        checker.Visit(expr, scope, ref usesOldSelf);
        return usesOldSelf;
    }

    /// <summary>Visits a node and returns its schema when known (null: dynamic).</summary>
    private JsonObject? Visit(CelExpr expr, Dictionary<string, JsonObject?> scope, ref bool usesOldSelf)
    {
        switch (expr)
        {
            case CelLiteral:
                return null;
            case CelIdent ident:
                if (!scope.TryGetValue(ident.Name, out var schema))
                {
                    throw CelCompileException.At(_source, ident.Offset, $"undeclared reference to '{ident.Name}' (in container '')");
                }

                usesOldSelf |= ident.Name == "oldSelf";
                return schema;
            case CelSelect select:
                return Field(Visit(select.Operand, scope, ref usesOldSelf), select.Field, select.Offset, IsRoot(select.Operand));
            case CelHas has:
                Field(Visit(has.Operand, scope, ref usesOldSelf), has.Field, has.Offset, IsRoot(has.Operand));
                return null;
            case CelList list:
                foreach (var item in list.Items)
                {
                    Visit(item, scope, ref usesOldSelf);
                }

                return null;
            case CelMap map:
                foreach (var (k, v) in map.Entries)
                {
                    Visit(k, scope, ref usesOldSelf);
                    Visit(v, scope, ref usesOldSelf);
                }

                return null;
            case CelComprehension c:
                var range = Visit(c.Range, scope, ref usesOldSelf);
                var inner = new Dictionary<string, JsonObject?>(scope, StringComparer.Ordinal)
                {
                    [c.Variable] = range?.GetString("type") == "object" ? StringSchema : range?.GetObject("items"),
                };
                if (c.Filter is not null)
                {
                    Visit(c.Filter, inner, ref usesOldSelf);
                }

                Visit(c.Body, inner, ref usesOldSelf);
                return c.Macro == "filter" ? range : null;
            case CelCall call:
                return CheckCall(call, scope, ref usesOldSelf);
            default:
                return null;
        }
    }

    private JsonObject? CheckCall(CelCall call, Dictionary<string, JsonObject?> scope, ref bool usesOldSelf)
    {
        if (call.Target is not null)
        {
            Visit(call.Target, scope, ref usesOldSelf);
        }

        var args = new List<JsonObject?>();
        foreach (var arg in call.Args)
        {
            args.Add(Visit(arg, scope, ref usesOldSelf));
        }

        if (CelOperators.IsOperator(call.Function))
        {
            if (call.Function == "_[_]" && args[0] is { } indexed)
            {
                return indexed.GetString("type") == "array" ? indexed.GetObject("items") : indexed.GetObject("additionalProperties");
            }

            return null;
        }

        if (CelFunctions.CheckCall(call.Function, call.Target is not null, call.Args.Count) is { } error)
        {
            throw CelCompileException.At(_source, call.Offset, error);
        }

        return null;
    }

    private bool IsRoot(CelExpr operand) => _resourceRoot && operand is CelIdent { Name: "self" or "oldSelf" };

    /// <summary>The schema of <paramref name="field"/> of an object, or the compile error when the schema has no such field.</summary>
    private JsonObject? Field(JsonObject? schema, string field, int offset, bool root)
    {
        if (root && field == "metadata")
        {
            return RootMetadataSchema;
        }

        if (root && field is "apiVersion" or "kind")
        {
            return StringSchema;
        }

        if (schema is null || schema.GetBoolean("x-kubernetes-preserve-unknown-fields") == true)
        {
            return null;
        }

        if (schema.GetObject("properties")?.GetObject(field) is { } property)
        {
            return property;
        }

        if (schema.GetObject("additionalProperties") is { } additional)
        {
            return additional;
        }

        if (schema.GetString("type") is { } type && type != "object")
        {
            throw CelCompileException.At(_source, offset, $"type '{CelTypeName(type)}' does not support field selection");
        }

        if (schema.ContainsKey("properties") || schema.GetString("type") == "object")
        {
            throw CelCompileException.At(_source, offset, $"undefined field '{field}'");
        }

        return null;
    }

    private static string CelTypeName(string schemaType) => schemaType switch
    {
        "integer" => "int",
        "number" => "double",
        "boolean" => "bool",
        "array" => "list",
        _ => schemaType,
    };
}
