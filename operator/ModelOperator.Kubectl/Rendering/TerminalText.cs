using System.Globalization;
using System.Text;

namespace ModelOperator.Kubectl.Rendering;

/// <summary>
/// Text that a ModelDeployment's author controls (status and condition messages, Event messages, reasons, versions)
/// reaches the operator's terminal through this plugin, so it must not be able to drive the terminal: an ESC sequence
/// could rewrite earlier lines or the title, a CR overwrite the line, BEL ring, a bidi override make a line read
/// differently from its bytes. Every such character is shown as a visible escape instead.
/// </summary>
internal static class TerminalText
{
    /// <summary>
    /// <paramref name="text"/> with C0 controls (but a line feed when <paramref name="keepLineBreaks"/>), DEL, C1 controls
    /// and the Unicode bidirectional formatting characters escaped as <c>\r</c>, <c>\t</c>, <c>\n</c>, <c>\x1b</c> or
    /// <c>\u202e</c>. Everything else, including other non-ASCII text, is kept.
    /// Example: <c>"ok\u001b[2J\r"</c> → <c>ok\x1b[2J\r</c> (printed as those characters).
    /// </summary>
    public static string Escape(string text, bool keepLineBreaks = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var first = IndexOfUnsafe(text, keepLineBreaks);
        if (first < 0)
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 8).Append(text, 0, first);
        foreach (var c in text.AsSpan(first))
        {
            if (!IsUnsafe(c, keepLineBreaks))
            {
                escaped.Append(c);
                continue;
            }

            escaped.Append(c switch
            {
                '\n' => @"\n",
                '\r' => @"\r",
                '\t' => @"\t",
                < '\u0100' => string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
            });
        }

        return escaped.ToString();
    }

    private static int IndexOfUnsafe(string text, bool keepLineBreaks)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (IsUnsafe(text[i], keepLineBreaks))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsUnsafe(char c, bool keepLineBreaks) => c switch
    {
        '\n' => !keepLineBreaks,
        < ' ' or '\u007f' => true,
        >= '\u0080' and <= '\u009f' => true,

        // Bidi formatting: ALM, LRM, RLM, the embeddings and overrides (LRE … RLO), the isolates (LRI … PDI).
        '\u061c' or '\u200e' or '\u200f' or (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069') => true,
        _ => false,
    };
}
