namespace ModelOperator.Runtime.Onnx;

/// <summary>
/// The outputs of one <see cref="InferenceSession.Run"/>. Spans it hands out point into memory
/// owned by the run (buffers of the session's run state or ONNX Runtime's output tensors) and are
/// valid only until <see cref="Dispose"/>. Dispose it promptly (a <c>using</c>): its state goes back
/// to the session for the next run, and an undisposed result keeps its session alive.
/// </summary>
public sealed class RunResult : IDisposable
{
    private readonly InferenceSession _session;
    private RunState? _state;

    internal RunResult(RunState state, InferenceSession session)
    {
        _state = state;
        _session = session;
    }

    /// <summary>Number of outputs, in the order they were requested (model order when all were).</summary>
    public int Count => State.Count;

    /// <summary>Index into <see cref="InferenceSession.Outputs"/> of output <paramref name="i"/>.</summary>
    public int OutputIndex(int i) => State.OutputIndices[Check(i)];

    /// <summary>Element type of output <paramref name="i"/>.</summary>
    public TensorElementType ElementType(int i) => State.ElementType(Check(i));

    /// <summary>Actual shape of output <paramref name="i"/> (no dynamic dimensions).</summary>
    public ReadOnlySpan<long> Shape(int i)
    {
        var s = State;
        Check(i);
        return s.Shapes.AsSpan(s.ShapeOffsets[i], s.ShapeOffsets[i + 1] - s.ShapeOffsets[i]);
    }

    /// <summary>
    /// Output <paramref name="i"/>'s elements. <typeparamref name="T"/> must be its CLR type (see
    /// <see cref="TensorElementTypes.Matches{T}"/>); string outputs are read through <see cref="Bytes"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> is not the output's type.</exception>
    public unsafe ReadOnlySpan<T> Data<T>(int i)
        where T : unmanaged
    {
        var s = State;
        Check(i);
        var type = s.ElementType(i);
        if (!TensorElementTypes.Matches<T>(type))
        {
            throw new InvalidOperationException(
                $"Output {i} is {TensorElementTypes.Name(type)}; read it as {TensorElementTypes.ClrName(type)}, not {typeof(T).Name} ({sizeof(T)} byte(s)), or use Bytes({i}).");
        }

        return new ReadOnlySpan<T>((void*)s.Data[i], checked((int)s.ElementCounts[i]));
    }

    /// <summary>
    /// Output <paramref name="i"/>'s raw little-endian bytes; for a string output, each element as a
    /// 4-byte little-endian length and its UTF-8 bytes.
    /// </summary>
    public unsafe ReadOnlySpan<byte> Bytes(int i)
    {
        var s = State;
        Check(i);
        return new ReadOnlySpan<byte>((void*)s.Data[i], checked((int)s.ByteLengths[i]));
    }

    /// <summary>Releases the outputs; spans obtained earlier become invalid. Safe to call twice.</summary>
    public void Dispose()
    {
        var s = Interlocked.Exchange(ref _state, null);
        if (s is not null)
        {
            _session.Release(s);
        }
    }

    private RunState State => _state ?? throw new ObjectDisposedException(nameof(RunResult));

    private int Check(int i)
    {
        var count = State.Count;
        if ((uint)i >= (uint)count)
        {
            throw new ArgumentOutOfRangeException(nameof(i), i, $"Output position must be 0 to {count - 1}; this result has {count} output(s).");
        }

        return i;
    }
}
