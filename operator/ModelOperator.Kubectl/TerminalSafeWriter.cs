using System.Text;
using ModelOperator.Kubectl.Rendering;

namespace ModelOperator.Kubectl;

/// <summary>
/// The plugin's stdout and stderr: everything written is passed through <see cref="TerminalText.Escape"/> (line
/// breaks kept), so no path that prints tenant-controlled text, today's or a future one, can reach the terminal with
/// control characters in it. The plugin itself writes no control characters but line feeds.
/// </summary>
internal sealed class TerminalSafeWriter(TextWriter inner) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;

    public override IFormatProvider FormatProvider => inner.FormatProvider;

    public override void Write(char value) => inner.Write(TerminalText.Escape(value.ToString(), keepLineBreaks: true));

    public override void Write(string? value)
    {
        if (value is not null)
        {
            inner.Write(TerminalText.Escape(value, keepLineBreaks: true));
        }
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void WriteLine(string? value)
    {
        Write(value);
        inner.WriteLine();
    }

    public override Task WriteAsync(char value) => inner.WriteAsync(TerminalText.Escape(value.ToString(), keepLineBreaks: true));

    public override Task WriteAsync(string? value) =>
        value is null ? Task.CompletedTask : inner.WriteAsync(TerminalText.Escape(value, keepLineBreaks: true));

    public override async Task WriteLineAsync(string? value)
    {
        await WriteAsync(value).ConfigureAwait(false);
        await inner.WriteLineAsync().ConfigureAwait(false);
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync() => inner.FlushAsync();
}
