using System.Globalization;
using System.Text;

namespace ModelOperator.ApiServer.Cel;

/// <summary>
/// Splits a CEL expression into tokens as the CEL spec's lexical grammar does: identifiers, int (decimal and hex),
/// uint (<c>u</c> suffix), double, string and bytes literals (single, double or triple quoted, <c>r</c> raw prefix, every
/// escape the spec lists), operators and punctuation. Comments (<c>//</c> to the end of the line) and whitespace are skipped.
/// </summary>
internal static class CelLexer
{
    private static readonly string[] Operators =
        ["&&", "||", "==", "!=", "<=", ">=", "<", ">", "!", "?", ":", "+", "-", "*", "/", "%", ".", ",", "(", ")", "[", "]", "{", "}"];

    public static List<CelToken> Tokenize(string source)
    {
        var tokens = new List<CelToken>();
        var i = 0;
        while (true)
        {
            i = SkipSpace(source, i);
            if (i >= source.Length)
            {
                tokens.Add(new CelToken(CelTokenKind.End, "<EOF>", null, i));
                return tokens;
            }

            var c = source[i];
            var start = i;
            if (IsQuoteStart(source, i, out var prefixLength))
            {
                tokens.Add(ReadString(source, ref i, prefixLength));
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < source.Length && char.IsAsciiDigit(source[i + 1])))
            {
                tokens.Add(ReadNumber(source, ref i));
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                while (i < source.Length && (char.IsAsciiLetterOrDigit(source[i]) || source[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new CelToken(CelTokenKind.Identifier, source[start..i], null, start));
            }
            else
            {
                var op = Operators.FirstOrDefault(o => string.CompareOrdinal(source, i, o, 0, o.Length) == 0)
                    ?? throw CelCompileException.At(source, i, $"Syntax error: token recognition error at: '{c}'");
                i += op.Length;
                tokens.Add(new CelToken(CelTokenKind.Punctuation, op, null, start));
            }
        }
    }

    private static int SkipSpace(string s, int i)
    {
        while (i < s.Length)
        {
            if (char.IsWhiteSpace(s[i]))
            {
                i++;
            }
            else if (s[i] == '/' && i + 1 < s.Length && s[i + 1] == '/')
            {
                while (i < s.Length && s[i] != '\n')
                {
                    i++;
                }
            }
            else
            {
                break;
            }
        }

        return i;
    }

    /// <summary>True at a string or bytes literal: a quote, optionally after r, b, rb or br (any case).</summary>
    private static bool IsQuoteStart(string s, int i, out int prefixLength)
    {
        prefixLength = 0;
        while (prefixLength < 2 && i + prefixLength < s.Length && "rRbB".Contains(s[i + prefixLength], StringComparison.Ordinal))
        {
            prefixLength++;
        }

        if (i + prefixLength < s.Length && s[i + prefixLength] is '\'' or '"')
        {
            return true;
        }

        prefixLength = 0;
        return s[i] is '\'' or '"';
    }

    private static CelToken ReadString(string s, ref int i, int prefixLength)
    {
        var start = i;
        var prefix = s.Substring(i, prefixLength).ToLowerInvariant();
        var raw = prefix.Contains('r', StringComparison.Ordinal);
        var bytes = prefix.Contains('b', StringComparison.Ordinal);
        i += prefixLength;
        var quote = s[i];
        var triple = i + 2 < s.Length && s[i + 1] == quote && s[i + 2] == quote;
        var delimiter = new string(quote, triple ? 3 : 1);
        i += delimiter.Length;
        var text = new StringBuilder();
        while (true)
        {
            if (i >= s.Length || (!triple && s[i] is '\n' or '\r'))
            {
                throw CelCompileException.At(s, start, "Syntax error: token recognition error at: an unterminated string literal");
            }

            if (string.CompareOrdinal(s, i, delimiter, 0, delimiter.Length) == 0)
            {
                i += delimiter.Length;
                break;
            }

            if (s[i] == '\\' && !raw)
            {
                text.Append(Escape(s, ref i, start));
                continue;
            }

            text.Append(s[i]);
            i++;
        }

        var value = text.ToString();
        return bytes
            ? new CelToken(CelTokenKind.Bytes, s[start..i], Encoding.UTF8.GetBytes(value), start)
            : new CelToken(CelTokenKind.String, s[start..i], value, start);
    }

    /// <summary>Decodes one escape sequence starting at the backslash at <paramref name="i"/>.</summary>
    private static string Escape(string s, ref int i, int literalStart)
    {
        if (i + 1 >= s.Length)
        {
            throw CelCompileException.At(s, literalStart, "Syntax error: token recognition error at: an unterminated string literal");
        }

        var e = s[i + 1];
        i += 2;
        switch (e)
        {
            case 'a': return "\a";
            case 'b': return "\b";
            case 'f': return "\f";
            case 'n': return "\n";
            case 'r': return "\r";
            case 't': return "\t";
            case 'v': return "\v";
            case '\\': return "\\";
            case '\'': return "'";
            case '"': return "\"";
            case '`': return "`";
            case '?': return "?";
            case 'x' or 'X': return Code(s, ref i, 2, 16, literalStart);
            case 'u': return Code(s, ref i, 4, 16, literalStart);
            case 'U': return Code(s, ref i, 8, 16, literalStart);
            case >= '0' and <= '3':
                i--;
                return Code(s, ref i, 3, 8, literalStart);
            default:
                throw CelCompileException.At(s, i - 2, $"Syntax error: token recognition error at: '\\{e}'");
        }
    }

    private static string Code(string s, ref int i, int digits, int radix, int literalStart)
    {
        if (i + digits > s.Length)
        {
            throw CelCompileException.At(s, literalStart, "Syntax error: token recognition error at: an incomplete escape sequence");
        }

        var text = s.Substring(i, digits);
        try
        {
            var code = Convert.ToInt32(text, radix);
            i += digits;
            return char.ConvertFromUtf32(code);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw CelCompileException.At(s, i, $"Syntax error: token recognition error at: an invalid escape sequence '{text}'");
        }
    }

    private static CelToken ReadNumber(string s, ref int i)
    {
        var start = i;
        if (s[i] == '0' && i + 1 < s.Length && s[i + 1] is 'x' or 'X')
        {
            i += 2;
            while (i < s.Length && char.IsAsciiHexDigit(s[i]))
            {
                i++;
            }

            return Integer(s, start, ref i, s[(start + 2)..i], NumberStyles.AllowHexSpecifier);
        }

        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }

        var isDouble = false;
        if (i + 1 < s.Length && s[i] == '.' && char.IsAsciiDigit(s[i + 1]))
        {
            isDouble = true;
            i++;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }
        }

        if (i < s.Length && s[i] is 'e' or 'E')
        {
            var j = i + 1;
            if (j < s.Length && s[j] is '+' or '-')
            {
                j++;
            }

            if (j < s.Length && char.IsAsciiDigit(s[j]))
            {
                isDouble = true;
                i = j;
                while (i < s.Length && char.IsAsciiDigit(s[i]))
                {
                    i++;
                }
            }
        }

        if (isDouble)
        {
            var text = s[start..i];
            return new CelToken(CelTokenKind.Double, text, double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture), start);
        }

        return Integer(s, start, ref i, s[start..i], NumberStyles.None);
    }

    private static CelToken Integer(string s, int start, ref int i, string digits, NumberStyles style)
    {
        var unsigned = i < s.Length && s[i] is 'u' or 'U';
        if (unsigned)
        {
            i++;
        }

        if (unsigned)
        {
            return ulong.TryParse(digits, style, CultureInfo.InvariantCulture, out var u)
                ? new CelToken(CelTokenKind.Uint, s[start..i], u, start)
                : throw CelCompileException.At(s, start, $"invalid uint literal");
        }

        // The magnitude may be one past long.MaxValue: the parser negates it for the minimum.
        return ulong.TryParse(digits, style, CultureInfo.InvariantCulture, out var n) && n <= (ulong)long.MaxValue + 1
            ? new CelToken(CelTokenKind.Int, s[start..i], n, start)
            : throw CelCompileException.At(s, start, "invalid int literal");
    }
}
