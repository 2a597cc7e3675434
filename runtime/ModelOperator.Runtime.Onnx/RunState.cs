using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Ort = Microsoft.ML.OnnxRuntime;

namespace ModelOperator.Runtime.Onnx;

/// <summary>
/// Everything one <see cref="InferenceSession.Run"/> needs besides the caller's data, reused from
/// run to run through <see cref="RunStatePool"/>: an <see cref="OrtIoBinding"/> and what is bound
/// to it. Binding is redone only when something changed, so a run with the same input memory and
/// shapes as the state's previous run makes no binding call and allocates nothing:
/// <list type="bullet">
/// <item>an input is an OrtValue over the caller's memory, pinned for the run; it is rebound when its
/// address, length or shape differ from the last run's;</item>
/// <item>outputs are written into pinned buffers of this state when the input shapes (and the
/// selection) are those of an earlier run, whose output shapes are then known; otherwise ONNX
/// Runtime allocates them and the run teaches the state their shapes. A model whose outputs turn
/// out not to follow from its input shapes (ONNX Runtime refuses the buffer) is run again with
/// outputs ONNX Runtime allocates, and is never given preallocated outputs again.</item>
/// </list>
/// While a <see cref="RunResult"/> holds the state, it owns the outputs of the last run.
/// </summary>
internal sealed unsafe class RunState : IDisposable
{
    private static readonly byte[] EmptyData = GC.AllocateArray<byte>(8, pinned: true);

    private readonly OrtIoBinding _binding;
    private readonly TensorMetadata[] _inputs;
    private readonly TensorMetadata[] _outputs;
    private readonly IReadOnlyList<string> _inputNames;
    private readonly IReadOnlyList<string> _outputNames;
    private readonly MemoryHandle[] _pins;
    private readonly nint[] _boundAddress;
    private readonly long[] _boundBytes;
    private readonly long[]?[] _boundShape;

    // Outputs bound now: how, and which (by output index, in the order of the run's results).
    private OutputMode _mode;
    private readonly int[] _boundSelection;
    private int _boundCount;

    // What an earlier run taught: for these input shapes and this selection, these output shapes.
    private readonly long[]?[] _learnedInputShapes;
    private readonly long[]?[] _learnedOutputShapes;
    private readonly int[] _learnedSelection;
    private int _learnedCount = -1;
    private readonly byte[]?[] _outputBuffers;

    // String outputs have no raw data to point at: they are copied here, length-prefixed.
    private readonly byte[]?[] _stringBuffers;

    private IDisposableReadOnlyCollection<OrtValue>? _ortOutputs;

    public RunState(Ort.InferenceSession session, TensorMetadata[] inputs, TensorMetadata[] outputs)
    {
        _binding = session.CreateIoBinding();
        _inputs = inputs;
        _outputs = outputs;
        _inputNames = session.InputNames;
        _outputNames = session.OutputNames;
        _pins = new MemoryHandle[inputs.Length];
        _boundAddress = new nint[inputs.Length];
        _boundBytes = new long[inputs.Length];
        _boundShape = new long[inputs.Length][];
        _learnedInputShapes = new long[inputs.Length][];
        InputSeen = new bool[inputs.Length];
        OutputSeen = new bool[outputs.Length];
        _boundSelection = new int[outputs.Length];
        _learnedSelection = new int[outputs.Length];
        _learnedOutputShapes = new long[outputs.Length][];
        _outputBuffers = new byte[outputs.Length][];
        _stringBuffers = new byte[outputs.Length][];
        ByteLengths = new long[outputs.Length];
        OutputIndices = new int[outputs.Length];
        Data = new nint[outputs.Length];
        ElementCounts = new long[outputs.Length];
        ShapeOffsets = new int[outputs.Length + 1];
        Shapes = new long[Math.Max(outputs.Length * 4, 4)];
    }

    private enum OutputMode
    {
        None,
        Allocated,
        Preallocated,
    }

    public bool[] InputSeen { get; }

    public bool[] OutputSeen { get; }

    /// <summary>Number of outputs of the current run.</summary>
    public int Count { get; private set; }

    public int[] OutputIndices { get; }

    public nint[] Data { get; }

    public long[] ElementCounts { get; }

    public long[] ByteLengths { get; }

    /// <summary>Output i's dimensions are Shapes[ShapeOffsets[i]..ShapeOffsets[i + 1]].</summary>
    public int[] ShapeOffsets { get; }

    public long[] Shapes { get; private set; }

    public TensorElementType ElementType(int i) => _outputs[OutputIndices[i]].ElementType;

    /// <summary>Runs the (validated) inputs and leaves the outputs readable until <see cref="ReleaseOutputs"/>.</summary>
    public void Execute(InferenceSession owner, Ort.InferenceSession session, RunOptions runOptions, ReadOnlySpan<InputTensor> inputs, ReadOnlySpan<int> outputIndices)
    {
        Select(outputIndices);
        try
        {
            BindInputs(inputs);
            if (!owner.OutputShapesVary && !SelectsString() && Learned(inputs))
            {
                BindPreallocatedOutputs();
                try
                {
                    session.RunWithBinding(runOptions, _binding);
                    ReadPreallocatedOutputs();
                    return;
                }
                catch (Ort.OnnxRuntimeException)
                {
                    // Either the output shapes do not follow from the input shapes, or the run
                    // fails anyway: the run below tells which, and its error is the one reported.
                    _learnedCount = -1;
                }

                RunAllocated(session, runOptions, inputs);
                owner.OutputShapesVary = true;
                return;
            }

            RunAllocated(session, runOptions, inputs);
        }
        catch (Ort.OnnxRuntimeException e)
        {
            throw OnnxRuntimeException.FromPackage(e);
        }
        finally
        {
            for (var i = 0; i < _pins.Length; i++)
            {
                _pins[i].Dispose();
                _pins[i] = default;
            }
        }
    }

    /// <summary>Releases the outputs ONNX Runtime allocated for the last run, if any.</summary>
    public void ReleaseOutputs()
    {
        var outputs = _ortOutputs;
        _ortOutputs = null;
        outputs?.Dispose();
        Count = 0;
    }

    public void Dispose()
    {
        ReleaseOutputs();
        _binding.Dispose();
    }

    private void Select(ReadOnlySpan<int> outputIndices)
    {
        if (outputIndices.IsEmpty)
        {
            for (var i = 0; i < _outputs.Length; i++)
            {
                OutputIndices[i] = i;
            }

            Count = _outputs.Length;
        }
        else
        {
            outputIndices.CopyTo(OutputIndices);
            Count = outputIndices.Length;
        }
    }

    private void BindInputs(ReadOnlySpan<InputTensor> inputs)
    {
        for (var i = 0; i < inputs.Length; i++)
        {
            ref readonly var t = ref inputs[i];
            var index = t.InputIndex;
            _pins[index] = t.Data.Pin();
            var address = (nint)_pins[index].Pointer;
            if (address == 0)
            {
                address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(EmptyData));
            }

            var shape = t.Shape.Span;
            if (t.ElementType == TensorElementType.String)
            {
                BindStrings(index, t);
                continue;
            }

            if (address == _boundAddress[index] && t.Data.Length == _boundBytes[index] && shape.SequenceEqual(_boundShape[index]))
            {
                continue;
            }

            var ownShape = shape.ToArray();
            using (var value = OrtValue.CreateTensorValueWithData(
                       OrtMemoryInfo.DefaultInstance, (Ort.Tensors.TensorElementType)(int)t.ElementType, ownShape, address, t.Data.Length))
            {
                _binding.BindInput(_inputNames[index], value);
            }

            _boundAddress[index] = address;
            _boundBytes[index] = t.Data.Length;
            _boundShape[index] = ownShape;
        }
    }

    // A string tensor cannot wrap the caller's memory: ONNX Runtime copies each string in. The
    // content may change at the same address, so it is bound afresh on every run.
    private void BindStrings(int index, in InputTensor t)
    {
        var shape = t.Shape.ToArray();
        var rest = t.Data.Span;
        using (var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape))
        {
            var count = checked((int)Product(shape));
            for (var j = 0; j < count; j++)
            {
                var length = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(rest);
                value.StringTensorSetElementAt(rest.Slice(TensorElementTypes.StringLengthPrefix, length), j);
                rest = rest[(TensorElementTypes.StringLengthPrefix + length)..];
            }

            _binding.BindInput(_inputNames[index], value);
        }

        _boundAddress[index] = 0;
        _boundShape[index] = null;
    }

    private bool SelectsString()
    {
        for (var k = 0; k < Count; k++)
        {
            if (_outputs[OutputIndices[k]].ElementType == TensorElementType.String)
            {
                return true;
            }
        }

        return false;
    }

    private bool Learned(ReadOnlySpan<InputTensor> inputs)
    {
        if (_learnedCount != Count || !OutputIndices.AsSpan(0, Count).SequenceEqual(_learnedSelection.AsSpan(0, Count)))
        {
            return false;
        }

        foreach (ref readonly var t in inputs)
        {
            if (!t.Shape.Span.SequenceEqual(_learnedInputShapes[t.InputIndex]))
            {
                return false;
            }
        }

        return true;
    }

    private void RunAllocated(Ort.InferenceSession session, RunOptions runOptions, ReadOnlySpan<InputTensor> inputs)
    {
        _learnedCount = -1;
        // Bound afresh every time: after a run the binding holds that run's outputs, which a next
        // run would otherwise be handed as preallocated buffers of the old shapes.
        _binding.ClearBoundOutputs();
        for (var k = 0; k < Count; k++)
        {
            _binding.BindOutputToDevice(_outputNames[OutputIndices[k]], OrtMemoryInfo.DefaultInstance);
        }

        RememberBound(OutputMode.Allocated);

        session.RunWithBinding(runOptions, _binding);
        _ortOutputs = _binding.GetOutputValues();
        var offset = 0;
        for (var k = 0; k < Count; k++)
        {
            var value = _ortOutputs[k];
            var shape = value.GetTensorTypeAndShape().Shape;
            offset = SetShape(k, offset, shape);
            if (ElementType(k) == TensorElementType.String)
            {
                CopyStrings(k, value);
            }
            else
            {
                var raw = value.GetTensorMutableRawData();
                Data[k] = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(raw));
            }

            _learnedOutputShapes[k] = shape;
        }

        // Learn: the same input shapes and selection next time get outputs in this state's buffers.
        foreach (ref readonly var t in inputs)
        {
            _learnedInputShapes[t.InputIndex] = t.Shape.ToArray();
        }

        OutputIndices.AsSpan(0, Count).CopyTo(_learnedSelection);
        _learnedCount = Count;
    }

    // Copies a string output into this state's pinned buffer, each element as a 4-byte length and its bytes.
    private void CopyStrings(int k, OrtValue value)
    {
        var count = checked((int)ElementCounts[k]);
        long bytes = (long)count * TensorElementTypes.StringLengthPrefix;
        for (var j = 0; j < count; j++)
        {
            bytes += value.GetStringElementAsSpan(j).Length;
        }

        if (_stringBuffers[k] is not { } buffer || buffer.LongLength < bytes)
        {
            _stringBuffers[k] = buffer = GC.AllocateUninitializedArray<byte>(checked((int)Math.Max(bytes, 8)), pinned: true);
        }

        var at = 0;
        for (var j = 0; j < count; j++)
        {
            var element = value.GetStringElementAsSpan(j);
            element.CopyTo(buffer.AsSpan(at + TensorElementTypes.StringLengthPrefix));
            var length = element.Length;
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(at), length);
            at += TensorElementTypes.StringLengthPrefix + length;
        }

        Data[k] = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        ByteLengths[k] = at;
    }

    private void BindPreallocatedOutputs()
    {
        if (_mode == OutputMode.Preallocated && SameSelectionBound())
        {
            return; // bound by an earlier run to buffers of exactly these shapes
        }

        _binding.ClearBoundOutputs();
        for (var k = 0; k < Count; k++)
        {
            var index = OutputIndices[k];
            var shape = _learnedOutputShapes[k]!;
            var bytes = checked(Product(shape) * TensorElementTypes.SizeOf(_outputs[index].ElementType));
            if (_outputBuffers[k] is not { } buffer || buffer.LongLength < bytes || buffer.Length == 0)
            {
                _outputBuffers[k] = buffer = GC.AllocateUninitializedArray<byte>((int)Math.Max(bytes, 8), pinned: true);
            }

            var address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
            using var value = OrtValue.CreateTensorValueWithData(
                OrtMemoryInfo.DefaultInstance, (Ort.Tensors.TensorElementType)(int)_outputs[index].ElementType, shape, address, bytes);
            _binding.BindOutput(_outputNames[index], value);
        }

        RememberBound(OutputMode.Preallocated);
    }

    private void ReadPreallocatedOutputs()
    {
        var offset = 0;
        for (var k = 0; k < Count; k++)
        {
            Data[k] = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_outputBuffers[k]!));
            offset = SetShape(k, offset, _learnedOutputShapes[k]!);
        }
    }

    private int SetShape(int k, int offset, long[] shape)
    {
        if (offset + shape.Length > Shapes.Length)
        {
            var grown = new long[Math.Max(offset + shape.Length, Shapes.Length * 2)];
            Shapes.AsSpan().CopyTo(grown);
            Shapes = grown;
        }

        shape.CopyTo(Shapes, offset);
        ShapeOffsets[k] = offset;
        ElementCounts[k] = Product(shape);
        var type = ElementType(k);
        ByteLengths[k] = TensorElementTypes.IsFixedSize(type) ? ElementCounts[k] * TensorElementTypes.SizeOf(type) : 0;
        offset += shape.Length;
        ShapeOffsets[k + 1] = offset;
        return offset;
    }

    private bool SameSelectionBound() =>
        _boundCount == Count && OutputIndices.AsSpan(0, Count).SequenceEqual(_boundSelection.AsSpan(0, Count));

    private void RememberBound(OutputMode mode)
    {
        _mode = mode;
        OutputIndices.AsSpan(0, Count).CopyTo(_boundSelection);
        _boundCount = Count;
    }

    private static long Product(long[] shape)
    {
        long count = 1;
        foreach (var d in shape)
        {
            count *= d;
        }

        return count;
    }
}
