using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ModelOperator.Api.Schema;

/// <summary>
/// Writes a JSON tree as block-style YAML: two-space indents, list items at their key's indent (as kubectl and
/// controller-gen write them), keys in the tree's order, strings plain when YAML 1.1 and 1.2 both read them back as
/// the same string and double-quoted otherwise. Same tree, same text.
/// </summary>
public static partial class YamlWriter
{
    private const string Indicators = "-?:,[]{}#&*!|>'\"%@`";

    public static string Write(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var text = new StringBuilder();
        switch (node)
        {
            case JsonObject o when o.Count > 0:
                WriteObject(text, o, 0);
                break;
            case JsonArray a when a.Count > 0:
                WriteArray(text, a, 0);
                break;
            default:
                text.Append(Scalar(node)).Append('\n');
                break;
        }

        return text.ToString();
    }

    private static void WriteObject(StringBuilder text, JsonObject o, int indent)
    {
        foreach (var (key, value) in o)
        {
            text.Append(' ', indent).Append(Key(key)).Append(':');
            WriteValue(text, value, indent, inList: false);
        }
    }

    private static void WriteArray(StringBuilder text, JsonArray a, int indent)
    {
        foreach (var item in a)
        {
            text.Append(' ', indent).Append('-');
            WriteValue(text, item, indent, inList: true);
        }
    }

    private static void WriteValue(StringBuilder text, JsonNode? value, int indent, bool inList)
    {
        switch (value)
        {
            case JsonObject o when o.Count > 0:
                if (inList)
                {
                    text.Append(' ');
                    WriteObjectInList(text, o, indent + 2);
                }
                else
                {
                    text.Append('\n');
                    WriteObject(text, o, indent + 2);
                }

                break;
            case JsonArray a when a.Count > 0:
                text.Append('\n');
                WriteArray(text, a, inList ? indent + 2 : indent);

                break;
            default:
                text.Append(' ').Append(Scalar(value)).Append('\n');
                break;
        }
    }

    private static void WriteObjectInList(StringBuilder text, JsonObject o, int indent)
    {
        var first = true;
        foreach (var (key, value) in o)
        {
            if (!first)
            {
                text.Append(' ', indent);
            }

            first = false;
            text.Append(Key(key)).Append(':');
            WriteValue(text, value, indent, inList: false);
        }
    }

    private static string Key(string key) => CanBePlain(key) ? key : Quote(key);

    private static string Scalar(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "{}",
        JsonArray => "[]",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>() is var s && CanBePlain(s) ? s : Quote(v.GetValue<string>()),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => Number(v),
            _ => "null",
        },
        _ => throw new InvalidOperationException($"Unexpected node {node.GetType().Name}."),
    };

    private static string Number(JsonValue v)
    {
        var raw = v.ToJsonString();
        if (long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return l.ToString(CultureInfo.InvariantCulture);
        }

        var d = v.GetValue<double>();
        return d == Math.Floor(d) && Math.Abs(d) < 1e15
            ? ((long)d).ToString(CultureInfo.InvariantCulture)
            : d.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Plain only when nothing can re-type or cut the value: no indicator first, no ": " or " #", no reserved word,
    /// nothing that starts like a number (YAML 1.1 reads 1:30 and 1_000 as numbers), no edge spaces, no control characters.
    /// </summary>
    internal static bool CanBePlain(string s)
    {
        if (s.Length == 0 || char.IsWhiteSpace(s[0]) || char.IsWhiteSpace(s[^1]) || Indicators.Contains(s[0], StringComparison.Ordinal))
        {
            return false;
        }

        if (s.Contains(": ", StringComparison.Ordinal) || s.Contains(" #", StringComparison.Ordinal) || s.EndsWith(':'))
        {
            return false;
        }

        if (s.Any(c => char.IsControl(c) || c == '\u0085' || c == '\u2028' || c == '\u2029' || c == '\uFEFF'))
        {
            return false;
        }

        if (char.IsAsciiDigit(s[0]) || s[0] == '+' || s[0] == '.' || s[0] == '~' || s[0] == '=' || s[0] == '<')
        {
            return false;
        }

        return !Reserved().IsMatch(s);
    }

    private static string Quote(string s)
    {
        var text = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                default:
                    if (char.IsControl(c) || c is '\u0085' or '\u2028' or '\u2029' or '\uFEFF')
                    {
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        return text.Append('"').ToString();
    }

    [GeneratedRegex("^(null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N|\\.inf|\\.nan)$", RegexOptions.CultureInvariant)]
    private static partial Regex Reserved();
}
