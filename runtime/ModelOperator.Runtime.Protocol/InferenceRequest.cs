using System.Buffers;

namespace ModelOperator.Runtime.Protocol;

/// <summary>
/// A parsed inference request, laid out for the native runtime: one slot per model input with
/// its shape and its data as raw little-endian elements. Instances are reused across requests
/// (see <see cref="Reset"/>), so the hot path allocates nothing once warm; data buffers come
/// from <see cref="ArrayPool{T}.Shared"/> and go back on reset.
/// </summary>
public sealed class InferenceRequest
{
    private readonly InputSlot[] _slots;
    private readonly int[] _requestedOutputs;
    private readonly BinaryChoice[] _binaryOutputs;
    private byte[] _id = new byte[64];

    public InferenceRequest(ModelSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        Signature = signature;
        _slots = new InputSlot[signature.Inputs.Count];
        for (var i = 0; i < _slots.Length; i++)
        {
            _slots[i] = new InputSlot(signature.Inputs[i].Rank);
        }

        _requestedOutputs = new int[signature.Outputs.Count];
        _binaryOutputs = new BinaryChoice[signature.Outputs.Count];
    }

    // An output's own "binary_data" parameter, which wins over the request's "binary_data_output".
    private enum BinaryChoice : byte
    {
        Unset,
        Json,
        Binary,
    }

    public ModelSignature Signature { get; }

    /// <summary>The request's <c>id</c> as UTF-8 (unescaped); empty when absent.</summary>
    public ReadOnlySpan<byte> Id => _id.AsSpan(0, IdLength);

    public bool HasId { get; private set; }

    private int IdLength { get; set; }

    /// <summary>Number of rows (the first dimension of the first input), for metrics and batching.</summary>
    public long BatchSize => _slots.Length > 0 && _slots[0].Rank > 0 ? _slots[0].Shape[0] : 1;

    /// <summary>The input slots, in the model's input order.</summary>
    public ReadOnlySpan<InputSlot> Inputs => _slots;

    /// <summary>Indices of the outputs the caller asked for; empty means all, in model order.</summary>
    public ReadOnlySpan<int> RequestedOutputs => _requestedOutputs.AsSpan(0, RequestedOutputCount);

    private int RequestedOutputCount { get; set; }

    /// <summary>The request's <c>binary_data_output</c> parameter (binary data extension): every output in binary unless it says otherwise.</summary>
    public bool BinaryDataOutput { get; internal set; }

    /// <summary>True when output <paramref name="outputIndex"/> (model order) goes back in the binary data extension's tail.</summary>
    public bool IsBinaryOutput(int outputIndex) => _binaryOutputs[outputIndex] switch
    {
        BinaryChoice.Binary => true,
        BinaryChoice.Json => false,
        _ => BinaryDataOutput,
    };

    /// <summary>Returns data buffers to the pool and clears every field, ready for the next request.</summary>
    public void Reset()
    {
        foreach (var slot in _slots)
        {
            slot.Clear();
        }

        HasId = false;
        IdLength = 0;
        RequestedOutputCount = 0;
        BinaryDataOutput = false;
        Array.Clear(_binaryOutputs);
    }

    internal void SetId(ref System.Text.Json.Utf8JsonReader reader)
    {
        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (_id.Length < length)
        {
            _id = new byte[Math.Max(length, _id.Length * 2)];
        }

        IdLength = reader.CopyString(_id);
        HasId = true;
    }

    internal void SetBinaryOutput(int index, bool binary) => _binaryOutputs[index] = binary ? BinaryChoice.Binary : BinaryChoice.Json;

    internal bool AddRequestedOutput(int index)
    {
        if (_requestedOutputs.AsSpan(0, RequestedOutputCount).Contains(index))
        {
            return false;
        }

        _requestedOutputs[RequestedOutputCount++] = index;
        return true;
    }

    /// <summary>One model input as received: shape and raw element bytes.</summary>
    public sealed class InputSlot
    {
        private readonly long[] _shape;
        private byte[]? _data;

        internal InputSlot(int rank) => _shape = new long[rank];

        public bool Present { get; internal set; }

        public DataType DataType { get; internal set; }

        public int Rank => _shape.Length;

        /// <summary>The shape the request declared (same rank as the model's input).</summary>
        public long[] Shape => _shape;

        public long ElementCount { get; internal set; }

        /// <summary>
        /// The element bytes: exactly <see cref="ElementCount"/> × element size long, or for BYTES
        /// that many elements each as a 4-byte little-endian length and its bytes.
        /// </summary>
        public ReadOnlyMemory<byte> Data => _data is null ? default : _data.AsMemory(0, ByteLength);

        /// <summary>The element bytes, writable, for callers that transform inputs in place.</summary>
        public Span<byte> DataSpan => _data is null ? default : _data.AsSpan(0, ByteLength);

        public int ByteLength { get; private set; }

        internal Span<byte> Allocate(int byteLength)
        {
            if (_data is not null)
            {
                ArrayPool<byte>.Shared.Return(_data);
            }

            _data = ArrayPool<byte>.Shared.Rent(Math.Max(byteLength, 1));
            ByteLength = byteLength;
            return _data.AsSpan(0, byteLength);
        }

        /// <summary>Shortens the data to what was written (BYTES: the allocation was an upper bound).</summary>
        internal void SetByteLength(int byteLength)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(byteLength, ByteLength);
            ByteLength = byteLength;
        }

        internal void Clear()
        {
            if (_data is not null)
            {
                ArrayPool<byte>.Shared.Return(_data);
                _data = null;
            }

            ByteLength = 0;
            ElementCount = 0;
            Present = false;
        }
    }
}
