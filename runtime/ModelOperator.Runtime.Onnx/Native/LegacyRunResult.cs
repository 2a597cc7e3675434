
namespace ModelOperator.Runtime.Onnx.Native;

/// <summary>
/// The outputs of one <see cref="LegacyInferenceSession.Run"/>. It owns the native output tensors until
/// <see cref="Dispose"/>: spans it hands out point into native memory and are valid only until then.
/// Dispose it promptly (a <c>using</c>); its buffers go back to the session for the next run.
/// </summary>
internal sealed class LegacyRunResult : IDisposable
{
    private readonly RunBuffersPool _pool;
    private RunBuffers? _buffers;

    internal LegacyRunResult(RunBuffers buffers, RunBuffersPool pool)
    {
        _buffers = buffers;
        _pool = pool;
    }

    /// <summary>Number of outputs, in the order they were requested (model order when all were).</summary>
    public int Count => Buffers.Count;

    /// <summary>Index into <see cref="LegacyInferenceSession.Outputs"/> of output <paramref name="i"/>.</summary>
    public int OutputIndex(int i) => Buffers.OutputIndices[Check(i)];

    /// <summary>Element type of output <paramref name="i"/>.</summary>
    public TensorElementType ElementType(int i) => Buffers.Types[Check(i)];

    /// <summary>Actual shape of output <paramref name="i"/> (no dynamic dimensions).</summary>
    public ReadOnlySpan<long> Shape(int i)
    {
        var b = Buffers;
        Check(i);
        return b.Shapes.AsSpan(b.ShapeOffsets[i], b.ShapeOffsets[i + 1] - b.ShapeOffsets[i]);
    }

    /// <summary>
    /// Output <paramref name="i"/>'s elements. <typeparamref name="T"/> must be its CLR type:
    /// float32 float, uint8 byte, int32 int, int64 long, bool bool, float64 double.
    /// </summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> is not the output's type.</exception>
    public unsafe ReadOnlySpan<T> Data<T>(int i)
        where T : unmanaged
    {
        var b = Buffers;
        Check(i);
        var type = b.Types[i];
        if (!TensorElementTypes.Matches<T>(type))
        {
            throw new InvalidOperationException(
                $"Output {i} is {TensorElementTypes.Name(type)}; read it as {ClrName(type)}, not {typeof(T).Name} ({sizeof(T)} byte(s)), or use Bytes({i}).");
        }

        return new ReadOnlySpan<T>((void*)b.Data[i], checked((int)b.ElementCounts[i]));
    }

    /// <summary>Output <paramref name="i"/>'s raw little-endian bytes.</summary>
    public unsafe ReadOnlySpan<byte> Bytes(int i)
    {
        var b = Buffers;
        Check(i);
        return new ReadOnlySpan<byte>((void*)b.Data[i], checked((int)(b.ElementCounts[i] * TensorElementTypes.SizeOf(b.Types[i]))));
    }

    /// <summary>Releases the native outputs; spans obtained earlier become invalid. Safe to call twice.</summary>
    public void Dispose()
    {
        var b = Interlocked.Exchange(ref _buffers, null);
        if (b is not null)
        {
            b.ReleaseOutputs();
            _pool.Return(b);
        }
    }

    private RunBuffers Buffers => _buffers ?? throw new ObjectDisposedException(nameof(LegacyRunResult));

    private int Check(int i)
    {
        var count = Buffers.Count;
        if ((uint)i >= (uint)count)
        {
            throw new ArgumentOutOfRangeException(nameof(i), i, $"Output position must be 0 to {count - 1}; this result has {count} output(s).");
        }

        return i;
    }

    private static string ClrName(TensorElementType t) => t switch
    {
        TensorElementType.Float32 => "float",
        TensorElementType.UInt8 => "byte",
        TensorElementType.Int32 => "int",
        TensorElementType.Int64 => "long",
        TensorElementType.Bool => "bool",
        TensorElementType.Float64 => "double",
        _ => t.ToString(),
    };
}
