using System.Globalization;
using System.Text;

namespace ModelOperator.Runtime.Onnx;

/// <summary>Formats shapes for messages: "[-1, 8]".</summary>
internal static class ShapeFormat
{
    public static string Format(IReadOnlyList<long> shape)
    {
        var sb = new StringBuilder("[");
        for (var i = 0; i < shape.Count; i++)
        {
            Append(sb, i, shape[i]);
        }

        return sb.Append(']').ToString();
    }

    public static string Format(ReadOnlySpan<long> shape)
    {
        var sb = new StringBuilder("[");
        for (var i = 0; i < shape.Length; i++)
        {
            Append(sb, i, shape[i]);
        }

        return sb.Append(']').ToString();
    }

    private static void Append(StringBuilder sb, int position, long dim)
    {
        if (position > 0)
        {
            sb.Append(", ");
        }

        sb.Append(dim.ToString(CultureInfo.InvariantCulture));
    }
}
