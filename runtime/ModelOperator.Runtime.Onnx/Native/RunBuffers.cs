using System.Buffers;

namespace ModelOperator.Runtime.Onnx.Native;

/// <summary>
/// Everything one <see cref="InferenceSession.Run"/> needs besides the caller's data, sized for one
/// session and reused from run to run through <see cref="RunBuffersPool"/>, so a run allocates no
/// arrays. While a <see cref="RunResult"/> holds it, it owns the native output values.
/// </summary>
internal sealed unsafe class RunBuffers
{
    private readonly OrtApi _api;

    public RunBuffers(OrtApi api, int inputCount, int outputCount)
    {
        _api = api;
        InputNames = new nint[Math.Max(inputCount, 1)];
        InputValues = new nint[Math.Max(inputCount, 1)];
        Pins = new MemoryHandle[Math.Max(inputCount, 1)];
        InputSeen = new bool[inputCount];
        OutputNames = new nint[Math.Max(outputCount, 1)];
        OutputValues = new nint[Math.Max(outputCount, 1)];
        OutputIndices = new int[outputCount];
        OutputSeen = new bool[outputCount];
        Types = new TensorElementType[outputCount];
        Data = new nint[outputCount];
        ElementCounts = new long[outputCount];
        ShapeOffsets = new int[outputCount + 1];
        Shapes = new long[Math.Max(outputCount * 4, 4)];
    }

    ~RunBuffers() => ReleaseOutputs();

    public nint[] InputNames { get; }

    public nint[] InputValues { get; }

    public MemoryHandle[] Pins { get; }

    public bool[] InputSeen { get; }

    public nint[] OutputNames { get; }

    public nint[] OutputValues { get; }

    public int[] OutputIndices { get; }

    public bool[] OutputSeen { get; }

    public TensorElementType[] Types { get; }

    public nint[] Data { get; }

    public long[] ElementCounts { get; }

    /// <summary>Output i's dimensions are Shapes[ShapeOffsets[i]..ShapeOffsets[i + 1]].</summary>
    public int[] ShapeOffsets { get; }

    public long[] Shapes { get; private set; }

    /// <summary>Number of outputs of the current run.</summary>
    public int Count { get; set; }

    /// <summary>Makes room for <paramref name="needed"/> dimensions in total (allocates only when a run has more dims than any before).</summary>
    public void EnsureShapeCapacity(int needed)
    {
        if (needed > Shapes.Length)
        {
            var grown = new long[Math.Max(needed, Shapes.Length * 2)];
            Shapes.AsSpan().CopyTo(grown);
            Shapes = grown;
        }
    }

    /// <summary>Releases the native output values of the last run, if any.</summary>
    public void ReleaseOutputs()
    {
        for (var i = 0; i < OutputValues.Length; i++)
        {
            var v = OutputValues[i];
            if (v != 0)
            {
                OutputValues[i] = 0;
                _api.ReleaseValue(v);
            }
        }

        Count = 0;
    }
}
