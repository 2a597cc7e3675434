using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Cel;
using ModelOperator.ApiServer.Json;

namespace ModelOperator.ApiServer.Validation;

/// <summary>
/// One <c>x-kubernetes-validations</c> entry of a CRD schema, compiled against the schema it sits on: the rule, its
/// message or messageExpression, the fieldPath its error points at, and the reason its cause carries.
/// </summary>
internal sealed record ValidationRule(JsonObject Source, CelProgram Program, CelProgram? MessageExpression)
{
    /// <summary>The reasons a rule may give its cause; anything else is refused when the CRD is written.</summary>
    public static readonly string[] Reasons = ["FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"];

    public string Rule => Source.GetString("rule") ?? "";

    public string? Message => Source.GetString("message");

    public string? FieldPath => Source.GetString("fieldPath");

    public string? Reason => Source.GetString("reason");

    /// <summary>Compiles every rule on <paramref name="schema"/>; a rule that does not compile throws.</summary>
    public static IReadOnlyList<ValidationRule> CompileAll(JsonObject schema, bool resourceRoot)
    {
        var rules = new List<ValidationRule>();
        foreach (var node in schema.GetArray("x-kubernetes-validations") ?? [])
        {
            if (node is not JsonObject source || string.IsNullOrWhiteSpace(source.GetString("rule")))
            {
                continue;
            }

            var program = CelProgram.Compile(source.GetString("rule")!, schema, resourceRoot);
            var message = source.GetString("messageExpression") is { Length: > 0 } expression
                ? CelProgram.Compile(expression, schema, resourceRoot)
                : null;
            rules.Add(new ValidationRule(source, program, message));
        }

        return rules;
    }

    /// <summary>The error detail of a failed rule: the messageExpression's string when it gives one, else message, else the rule.</summary>
    public string Detail(object? self)
    {
        if (MessageExpression is not null)
        {
            try
            {
                if (MessageExpression.Evaluate(self) is string text && !string.IsNullOrWhiteSpace(text) && !text.Contains('\n', StringComparison.Ordinal))
                {
                    return text;
                }
            }
            catch (CelEvaluationException)
            {
                // A real server logs the failed messageExpression and falls back to the message.
            }
        }

        return string.IsNullOrWhiteSpace(Message) ? $"failed rule: {Rule.Trim()}" : Message.Trim();
    }

    /// <summary>How the rule names itself in runtime errors: its message when it has one, else the rule.</summary>
    public string ErrorString => string.IsNullOrWhiteSpace(Message) ? Rule.Trim() : Message.Trim();

    /// <summary>
    /// The fieldPath as a child path: <c>.minReplicas</c> → <c>minReplicas</c>, <c>.ports['http']</c> →
    /// <c>ports[http]</c>, <c>.steps[0]</c> → <c>steps[0]</c>.
    /// </summary>
    public string? NormalizedFieldPath()
    {
        if (string.IsNullOrEmpty(FieldPath))
        {
            return null;
        }

        var path = FieldPath.StartsWith('.') ? FieldPath[1..] : FieldPath;
        return path.Replace("['", "[", StringComparison.Ordinal).Replace("']", "]", StringComparison.Ordinal);
    }
}
