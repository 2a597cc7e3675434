using System.Globalization;
using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Json;

namespace ModelOperator.ApiServer.Tables;

/// <summary>
/// The JSONPath subset printer columns use: <c>.a.b</c>, <c>.a[0]</c>, <c>.a[*].b</c> and filters
/// such as <c>.status.conditions[?(@.type=="Ready")].status</c>. Evaluates to every match.
/// </summary>
internal sealed class JsonPathExpression
{
    private readonly IReadOnlyList<Step> _steps;

    private JsonPathExpression(IReadOnlyList<Step> steps) => _steps = steps;

    public static JsonPathExpression Parse(string path)
    {
        var text = path.Trim();
        if (text.StartsWith('{') && text.EndsWith('}'))
        {
            text = text[1..^1];
        }

        if (text.StartsWith('$'))
        {
            text = text[1..];
        }

        var steps = new List<Step>();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '.')
            {
                var end = i + 1;
                while (end < text.Length && text[end] is not '.' and not '[')
                {
                    end++;
                }

                if (end > i + 1)
                {
                    steps.Add(new Step(StepKind.Field, text[(i + 1)..end], null, null));
                }

                i = end;
            }
            else if (text[i] == '[')
            {
                var close = FindClose(text, i);
                var inner = text[(i + 1)..close].Trim();
                steps.Add(ParseBracket(inner, path));
                i = close + 1;
            }
            else
            {
                var end = i;
                while (end < text.Length && text[end] is not '.' and not '[')
                {
                    end++;
                }

                steps.Add(new Step(StepKind.Field, text[i..end], null, null));
                i = end;
            }
        }

        return new JsonPathExpression(steps);
    }

    public List<JsonNode?> Evaluate(JsonNode? root)
    {
        var current = new List<JsonNode?> { root };
        foreach (var step in _steps)
        {
            var next = new List<JsonNode?>();
            foreach (var node in current)
            {
                switch (step.Kind)
                {
                    case StepKind.Field when node is JsonObject o && o.TryGetPropertyValue(step.Name!, out var child):
                        next.Add(child);
                        break;
                    case StepKind.Index when node is JsonArray a:
                        var idx = step.Index!.Value < 0 ? a.Count + step.Index.Value : step.Index.Value;
                        if (idx >= 0 && idx < a.Count)
                        {
                            next.Add(a[idx]);
                        }

                        break;
                    case StepKind.All when node is JsonArray a:
                        next.AddRange(a);
                        break;
                    case StepKind.All when node is JsonObject o:
                        next.AddRange(o.Select(p => p.Value));
                        break;
                    case StepKind.Filter when node is JsonArray a:
                        next.AddRange(a.Where(item => step.Filter!.Matches(item)));
                        break;
                }
            }

            current = next;
        }

        return current;
    }

    private static int FindClose(string text, int open)
    {
        var depth = 0;
        var quote = '\0';
        for (var i = open; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == '[')
            {
                depth++;
            }
            else if (c == ']' && --depth == 0)
            {
                return i;
            }
        }

        throw new FormatException($"unclosed '[' in JSONPath \"{text}\"");
    }

    private static Step ParseBracket(string inner, string whole)
    {
        if (inner == "*")
        {
            return new Step(StepKind.All, null, null, null);
        }

        if (int.TryParse(inner, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index))
        {
            return new Step(StepKind.Index, null, index, null);
        }

        if (inner.StartsWith("?(", StringComparison.Ordinal) && inner.EndsWith(')'))
        {
            return new Step(StepKind.Filter, null, null, FilterExpression.Parse(inner[2..^1], whole));
        }

        if ((inner.StartsWith('\'') && inner.EndsWith('\'')) || (inner.StartsWith('"') && inner.EndsWith('"')))
        {
            return new Step(StepKind.Field, inner[1..^1], null, null);
        }

        throw new FormatException($"unsupported JSONPath bracket \"[{inner}]\" in \"{whole}\"; supported: [n], [*], ['name'], [?(@.field==\"value\")]");
    }

    private enum StepKind
    {
        Field,
        Index,
        All,
        Filter,
    }

    private sealed record Step(StepKind Kind, string? Name, int? Index, FilterExpression? Filter);

    /// <summary>A filter <c>@.a.b OP literal</c> with OP one of ==, !=, or a bare <c>@.a</c> (exists).</summary>
    private sealed record FilterExpression(string[] Path, string? Op, string? Literal)
    {
        public static FilterExpression Parse(string text, string whole)
        {
            foreach (var op in new[] { "==", "!=" })
            {
                var idx = text.IndexOf(op, StringComparison.Ordinal);
                if (idx > 0)
                {
                    return new FilterExpression(PathOf(text[..idx], whole), op, Unquote(text[(idx + op.Length)..].Trim()));
                }
            }

            return new FilterExpression(PathOf(text, whole), null, null);
        }

        public bool Matches(JsonNode? item)
        {
            JsonNode? node = item;
            foreach (var part in Path)
            {
                if (node is not JsonObject o || !o.TryGetPropertyValue(part, out node))
                {
                    return Op == "!=";
                }
            }

            var text = JsonHelpers.ScalarText(node);
            return Op switch
            {
                "==" => text == Literal,
                "!=" => text != Literal,
                _ => node is not null,
            };
        }

        private static string[] PathOf(string text, string whole)
        {
            var t = text.Trim();
            if (!t.StartsWith('@'))
            {
                throw new FormatException($"a JSONPath filter must start with '@' in \"{whole}\"");
            }

            return t[1..].Split('.', StringSplitOptions.RemoveEmptyEntries);
        }

        private static string Unquote(string s) =>
            s.Length >= 2 && ((s[0] == '"' && s[^1] == '"') || (s[0] == '\'' && s[^1] == '\'')) ? s[1..^1] : s;
    }
}
