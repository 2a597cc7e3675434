using System.Text;

namespace ModelOperator.Kubectl.Rendering;

/// <summary>Writes <c>Label:  value</c> lines with the values aligned, like <c>kubectl describe</c>.</summary>
internal sealed class Describer
{
    private const int ValueColumn = 16;
    private readonly StringBuilder _text = new();

    /// <summary>A labelled line; a multi-line value continues under the value column.</summary>
    public Describer Line(string label, string value)
    {
        var lines = value.Split('\n');
        _text.AppendLine(((label + ":").PadRight(ValueColumn) + lines[0]).TrimEnd());
        foreach (var more in lines.Skip(1))
        {
            _text.Append(' ', ValueColumn).AppendLine(more.TrimEnd());
        }

        return this;
    }

    /// <summary>A line indented under the previous label, e.g. one row of a small table.</summary>
    public Describer Indented(string text)
    {
        _text.Append("  ").AppendLine(text.TrimEnd());
        return this;
    }

    public override string ToString() => _text.ToString();
}
