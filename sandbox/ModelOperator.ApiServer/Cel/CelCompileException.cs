namespace ModelOperator.ApiServer.Cel;

/// <summary>
/// A rule that cannot be compiled. The message is worded as cel-go words it
/// (<c>ERROR: &lt;input&gt;:1:6: Syntax error: …</c>, followed by the source line and a caret), which is what a real
/// API server puts into the 422 when a CRD carries such a rule.
/// </summary>
internal sealed class CelCompileException : Exception
{
    public CelCompileException()
    {
    }

    public CelCompileException(string message)
        : base(message)
    {
    }

    public CelCompileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>An error at <paramref name="offset"/> in <paramref name="source"/>, with the line and caret cel-go prints.</summary>
    public static CelCompileException At(string source, int offset, string what)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < Math.Min(offset, source.Length); i++)
        {
            if (source[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        var lineEnd = source.IndexOf('\n', lineStart);
        var text = lineEnd < 0 ? source[lineStart..] : source[lineStart..lineEnd];
        var column = offset - lineStart;
        return new CelCompileException($"ERROR: <input>:{line}:{column + 1}: {what}\n | {text}\n | {new string('.', column)}^");
    }
}
