using System.Buffers;
using System.Globalization;
using System.Text;

namespace ModelOperator.Prometheus;

/// <summary>
/// Writes the Prometheus text format 0.0.4 straight into an <see cref="IBufferWriter{T}"/> as UTF-8,
/// without building intermediate strings per sample.
/// </summary>
/// <remarks>
/// Escaping rules of the format: in HELP text a backslash becomes <c>\\</c> and a line feed <c>\n</c>;
/// in label values the double quote is escaped as <c>\"</c> as well. Floats are written the way Go's
/// <c>strconv.ParseFloat</c> (the Prometheus parser) reads them: <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>, otherwise
/// the shortest string that round-trips, in the invariant culture.
/// </remarks>
internal sealed class ExpositionWriter(IBufferWriter<byte> output)
{
    private const int MaxDoubleLength = 32;

    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        Span<byte> span = output.GetSpan(bytes.Length);
        bytes.CopyTo(span);
        output.Advance(bytes.Length);
    }

    public void WriteByte(byte b)
    {
        Span<byte> span = output.GetSpan(1);
        span[0] = b;
        output.Advance(1);
    }

    /// <summary>Writes text with no escaping (names are validated to be ASCII already).</summary>
    public void WriteText(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return;
        }

        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        Span<byte> span = output.GetSpan(max);
        int written = Encoding.UTF8.GetBytes(text, span);
        output.Advance(written);
    }

    public void WriteHelpText(string help) => WriteEscaped(help, escapeQuote: false);

    public void WriteLabelValue(string value) => WriteEscaped(value, escapeQuote: true);

    public void WriteDouble(double value)
    {
        if (double.IsPositiveInfinity(value))
        {
            WriteRaw("+Inf"u8);
            return;
        }

        if (double.IsNegativeInfinity(value))
        {
            WriteRaw("-Inf"u8);
            return;
        }

        if (double.IsNaN(value))
        {
            WriteRaw("NaN"u8);
            return;
        }

        Span<byte> span = output.GetSpan(MaxDoubleLength);
        if (!value.TryFormat(span, out int written, "R", CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("A double did not fit in its formatting buffer.");
        }

        output.Advance(written);
    }

    public void WriteLong(long value)
    {
        Span<byte> span = output.GetSpan(MaxDoubleLength);
        if (!value.TryFormat(span, out int written, default, CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("A long did not fit in its formatting buffer.");
        }

        output.Advance(written);
    }

    /// <summary>Writes the <c># HELP</c> and <c># TYPE</c> lines of a family.</summary>
    public void WriteHeader(string name, string help, MetricType type)
    {
        WriteRaw("# HELP "u8);
        WriteText(name);
        WriteByte((byte)' ');
        WriteHelpText(help);
        WriteRaw("\n# TYPE "u8);
        WriteText(name);
        WriteByte((byte)' ');
        WriteText(MetricNames.TypeKeyword(type));
        WriteByte((byte)'\n');
    }

    /// <summary>Writes one sample line: <c>name{labels} value</c>; <paramref name="labels"/> is the rendered inside of the braces.</summary>
    public void WriteSample(string name, ReadOnlySpan<char> suffix, ReadOnlySpan<byte> labels, double value)
    {
        WriteText(name);
        WriteText(suffix);
        if (!labels.IsEmpty)
        {
            WriteByte((byte)'{');
            WriteRaw(labels);
            WriteByte((byte)'}');
        }

        WriteByte((byte)' ');
        WriteDouble(value);
        WriteByte((byte)'\n');
    }

    /// <summary>Renders <c>a="x",b="y"</c> (the inside of the braces) once, to be reused by every scrape.</summary>
    public static byte[] RenderLabels(ReadOnlySpan<string> names, ReadOnlySpan<string> values)
    {
        if (names.IsEmpty)
        {
            return [];
        }

        var buffer = new ArrayBufferWriter<byte>(64);
        var writer = new ExpositionWriter(buffer);
        for (int i = 0; i < names.Length; i++)
        {
            if (i > 0)
            {
                writer.WriteByte((byte)',');
            }

            writer.WriteText(names[i]);
            writer.WriteRaw("=\""u8);
            writer.WriteLabelValue(values[i]);
            writer.WriteByte((byte)'"');
        }

        return buffer.WrittenSpan.ToArray();
    }

    private void WriteEscaped(string text, bool escapeQuote)
    {
        ReadOnlySpan<char> rest = text;
        while (!rest.IsEmpty)
        {
            int special = escapeQuote ? rest.IndexOfAny('\\', '\n', '"') : rest.IndexOfAny('\\', '\n');
            if (special < 0)
            {
                WriteText(rest);
                return;
            }

            // Escaped characters are ASCII, so cutting here never splits a surrogate pair.
            WriteText(rest[..special]);
            WriteRaw(rest[special] switch
            {
                '\\' => "\\\\"u8,
                '\n' => "\\n"u8,
                _ => "\\\""u8,
            });
            rest = rest[(special + 1)..];
        }
    }
}
