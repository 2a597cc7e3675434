using ModelOperator.Runtime.Onnx;

namespace ModelOperator.Runtime.Server.Inference;

/// <summary>
/// One request's share of a run's outputs: all of them for a request run alone, or its rows of
/// every output when it was joined with others along the batch dimension. Reads the runtime's
/// output buffers in place; valid while the <see cref="RunResult"/> is.
/// </summary>
internal readonly struct OutputView(RunResult result, int rowOffset, int rows, int totalRows)
{
    public int Count => result.Count;

    public int Rows => rows;

    public int OutputIndex(int i) => result.OutputIndex(i);

    public TensorElementType ElementType(int i) => result.ElementType(i);

    public ReadOnlySpan<byte> Bytes(int i)
    {
        var all = result.Bytes(i);
        if (rows == totalRows)
        {
            return all;
        }

        var rowBytes = all.Length / totalRows;
        return all.Slice(rowOffset * rowBytes, rows * rowBytes);
    }

    /// <summary>The output's shape with this request's row count as the first dimension.</summary>
    public int CopyShape(int i, Span<long> destination)
    {
        var shape = result.Shape(i);
        shape.CopyTo(destination);
        if (rows != totalRows && shape.Length > 0)
        {
            destination[0] = rows;
        }

        return shape.Length;
    }
}
