using System.Text;

namespace ModelOperator.ApiServer.Cel;

/// <summary>
/// String member functions: CEL's <c>startsWith</c>, <c>endsWith</c>, <c>contains</c> and the Kubernetes strings
/// library. Positions count Unicode code points, not UTF-16 units, as cel-go's do; an index outside the string is an error.
/// </summary>
internal static class CelStringFunctions
{
    public static object? Call(string name, string s, object?[] args)
    {
        switch (name)
        {
            case "startsWith":
                return s.StartsWith(Text(args, 0, name), StringComparison.Ordinal);
            case "endsWith":
                return s.EndsWith(Text(args, 0, name), StringComparison.Ordinal);
            case "contains":
                return s.Contains(Text(args, 0, name), StringComparison.Ordinal);
            case "lowerAscii":
                return string.Create(s.Length, s, (span, src) => { for (var i = 0; i < src.Length; i++) { span[i] = char.IsAsciiLetterUpper(src[i]) ? (char)(src[i] + 32) : src[i]; } });
            case "upperAscii":
                return string.Create(s.Length, s, (span, src) => { for (var i = 0; i < src.Length; i++) { span[i] = char.IsAsciiLetterLower(src[i]) ? (char)(src[i] - 32) : src[i]; } });
            case "trim":
                return s.Trim();
            case "replace":
                var limit = args.Length == 3 ? Int(args, 2, name) : -1;
                return Replace(s, Text(args, 0, name), Text(args, 1, name), limit);
            case "split":
                return Split(s, Text(args, 0, name), args.Length == 2 ? Int(args, 1, name) : -1);
            case "indexOf":
                return IndexOf(s, Text(args, 0, name), args.Length == 2 ? Int(args, 1, name) : 0, last: false);
            case "lastIndexOf":
                return IndexOf(s, Text(args, 0, name), args.Length == 2 ? Int(args, 1, name) : long.MaxValue, last: true);
            case "substring":
                var runes = Runes(s);
                var start = Int(args, 0, name);
                var end = args.Length == 2 ? Int(args, 1, name) : runes.Length;
                if (start < 0 || end > runes.Length || start > end)
                {
                    throw new CelEvaluationException($"index out of range: {(start < 0 || start > runes.Length ? start : end)}");
                }

                return Join(runes[(int)start..(int)end]);
            case "charAt":
                var chars = Runes(s);
                var at = Int(args, 0, name);
                if (at < 0 || at > chars.Length)
                {
                    throw new CelEvaluationException($"index out of range: {at}");
                }

                return at == chars.Length ? "" : chars[at].ToString();
            default:
                throw CelEvaluationException.NoSuchOverload(name);
        }
    }

    private static string Text(object?[] args, int i, string function) =>
        args[i] as string ?? throw CelEvaluationException.NoSuchOverload(function);

    private static long Int(object?[] args, int i, string function) =>
        args[i] as long? ?? throw CelEvaluationException.NoSuchOverload(function);

    private static Rune[] Runes(string s) => s.EnumerateRunes().ToArray();

    private static string Join(IEnumerable<Rune> runes)
    {
        var sb = new StringBuilder();
        foreach (var r in runes)
        {
            sb.Append(r.ToString());
        }

        return sb.ToString();
    }

    private static string Replace(string s, string old, string replacement, long limit)
    {
        if (limit < 0)
        {
            return old.Length == 0 ? InsertBetweenRunes(s, replacement) : s.Replace(old, replacement, StringComparison.Ordinal);
        }

        var sb = new StringBuilder();
        var from = 0;
        for (var n = 0; n < limit && old.Length > 0; n++)
        {
            var at = s.IndexOf(old, from, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }

            sb.Append(s, from, at - from).Append(replacement);
            from = at + old.Length;
        }

        return sb.Append(s, from, s.Length - from).ToString();
    }

    private static string InsertBetweenRunes(string s, string between)
    {
        var sb = new StringBuilder(between);
        foreach (var r in s.EnumerateRunes())
        {
            sb.Append(r.ToString()).Append(between);
        }

        return sb.ToString();
    }

    private static List<object?> Split(string s, string separator, long limit)
    {
        if (limit == 0)
        {
            return [];
        }

        string[] parts = separator.Length == 0
            ? s.EnumerateRunes().Select(r => r.ToString()).ToArray()
            : s.Split(separator, limit > 0 ? (int)Math.Min(limit, int.MaxValue) : int.MaxValue, StringSplitOptions.None);
        if (separator.Length == 0 && limit > 0 && parts.Length > limit)
        {
            parts = [.. parts[..(int)(limit - 1)], string.Concat(parts[(int)(limit - 1)..])];
        }

        return parts.Cast<object?>().ToList();
    }

    private static long IndexOf(string s, string sub, long offset, bool last)
    {
        var runes = Runes(s);
        var needle = Runes(sub);
        if (offset < 0 || (!last && offset > runes.Length))
        {
            throw new CelEvaluationException($"index out of range: {offset}");
        }

        var from = last ? Math.Min(offset, runes.Length - needle.Length) : offset;
        for (var i = from; last ? i >= 0 : i <= runes.Length - needle.Length; i += last ? -1 : 1)
        {
            if (runes.AsSpan((int)i, needle.Length).SequenceEqual(needle))
            {
                return i;
            }
        }

        return -1;
    }
}
