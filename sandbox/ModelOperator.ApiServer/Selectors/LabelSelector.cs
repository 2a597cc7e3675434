using ModelOperator.ApiServer.Errors;

namespace ModelOperator.ApiServer.Selectors;

/// <summary>
/// A parsed label selector: comma-separated requirements using <c>=</c>, <c>==</c>, <c>!=</c>,
/// <c>in (a,b)</c>, <c>notin (a,b)</c>, <c>key</c> (exists) and <c>!key</c> (does not exist).
/// </summary>
internal sealed class LabelSelector
{
    private readonly IReadOnlyList<Requirement> _requirements;

    private LabelSelector(IReadOnlyList<Requirement> requirements) => _requirements = requirements;

    public static LabelSelector Everything { get; } = new([]);

    public bool IsEverything => _requirements.Count == 0;

    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var requirements = new List<Requirement>();
        foreach (var part in SplitTopLevel(text))
        {
            requirements.Add(ParseRequirement(part.Trim(), text));
        }

        return new LabelSelector(requirements);
    }

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var r in _requirements)
        {
            var has = labels.TryGetValue(r.Key, out var value);
            var ok = r.Op switch
            {
                Operator.Exists => has,
                Operator.DoesNotExist => !has,
                Operator.Equals or Operator.In => has && r.Values.Contains(value!),
                Operator.NotEquals or Operator.NotIn => !has || !r.Values.Contains(value!),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return text[start..];
    }

    private static Requirement ParseRequirement(string part, string whole)
    {
        if (part.Length == 0)
        {
            throw Error(whole, "found an empty requirement");
        }

        if (part.StartsWith('!'))
        {
            return new Requirement(ValidKey(part[1..].Trim(), whole), Operator.DoesNotExist, []);
        }

        foreach (var (token, op) in new[] { ("!=", Operator.NotEquals), ("==", Operator.Equals), ("=", Operator.Equals) })
        {
            var idx = part.IndexOf(token, StringComparison.Ordinal);
            if (idx > 0)
            {
                var key = ValidKey(part[..idx].Trim(), whole);
                var value = part[(idx + token.Length)..].Trim();
                if (value.Contains('=', StringComparison.Ordinal) || value.Contains(' ', StringComparison.Ordinal))
                {
                    throw Error(whole, $"invalid label value \"{value}\"");
                }

                return new Requirement(key, op, [value]);
            }
        }

        var words = part.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 1)
        {
            return new Requirement(ValidKey(words[0], whole), Operator.Exists, []);
        }

        var rest = words[1];
        Operator setOp;
        if (rest.StartsWith("notin", StringComparison.Ordinal))
        {
            setOp = Operator.NotIn;
            rest = rest[5..].Trim();
        }
        else if (rest.StartsWith("in", StringComparison.Ordinal))
        {
            setOp = Operator.In;
            rest = rest[2..].Trim();
        }
        else
        {
            throw Error(whole, $"expected one of '=', '==', '!=', 'in', 'notin' after \"{words[0]}\"");
        }

        if (!rest.StartsWith('(') || !rest.EndsWith(')'))
        {
            throw Error(whole, "expected a parenthesised list of values after 'in' or 'notin'");
        }

        var values = rest[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        return new Requirement(ValidKey(words[0], whole), setOp, values);
    }

    private static string ValidKey(string key, string whole)
    {
        if (key.Length == 0 || key.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/')))
        {
            throw Error(whole, $"invalid label key \"{key}\": keys consist of alphanumerics, '-', '_', '.' and an optional prefix ending in '/'");
        }

        return key;
    }

    private static ApiException Error(string whole, string why) =>
        ApiException.BadRequest($"unable to parse requirement: label selector \"{whole}\": {why}");

    private enum Operator
    {
        Equals,
        NotEquals,
        In,
        NotIn,
        Exists,
        DoesNotExist,
    }

    private sealed record Requirement(string Key, Operator Op, IReadOnlyCollection<string> Values);
}
