using System.Buffers;
using System.Text.Json;

namespace ModelOperator.Runtime.Protocol;

/// <summary>
/// The outputs of an Open Inference Protocol v2 answer (<c>{"outputs":[{"name","datatype","shape","data"}]}</c>, data
/// flat, as <see cref="InferenceResponseWriter"/> writes it), in JSON or in the binary data extension (outputs with
/// <c>parameters.binary_data_size</c> and their bytes after the JSON), read to compare one server's answer with another's:
/// for each output named at construction, its datatype, shape and values as doubles. One instance is read again and again:
/// its buffers are rented once and kept, so a warm read allocates nothing. Elements are read by
/// <see cref="TensorElements"/>; anything else is a <see cref="ProtocolException"/> saying what was wrong.
/// </summary>
public sealed class InferenceAnswer
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 8, CommentHandling = JsonCommentHandling.Disallow };
    private readonly Output[] _outputs;
    private readonly byte[] _element = new byte[8];

    /// <param name="outputNames">The outputs to read, in the order <see cref="this[int]"/> gives them; others are skipped.</param>
    public InferenceAnswer(IReadOnlyList<string> outputNames)
    {
        ArgumentNullException.ThrowIfNull(outputNames);
        _outputs = [.. outputNames.Select(n => new Output(n))];
    }

    /// <summary>How many outputs are read (the names given at construction).</summary>
    public int Count => _outputs.Length;

    /// <summary>The output named <c>outputNames[index]</c> as the last <see cref="Read"/> found it.</summary>
    public Output this[int index] => _outputs[index];

    /// <summary>Reads <paramref name="json"/>, replacing what the previous read found.</summary>
    /// <exception cref="ProtocolException">The answer is not an inference response; the message says how.</exception>
    public void Read(ReadOnlySpan<byte> json) => Read(json, headerLength: -1);

    /// <summary>
    /// Reads an answer of the binary data extension, replacing what the previous read found: its first
    /// <paramref name="headerLength"/> bytes (the answer's <c>Inference-Header-Content-Length</c>) are the JSON, the rest
    /// the data of the outputs that declare <c>parameters.binary_data_size</c>, in the order of the outputs array. A
    /// negative <paramref name="headerLength"/> means the whole answer is JSON.
    /// </summary>
    /// <exception cref="ProtocolException">The answer is not an inference response; the message says how.</exception>
    public void Read(ReadOnlySpan<byte> answer, long headerLength)
    {
        foreach (var output in _outputs)
        {
            output.Clear();
        }

        if (headerLength > answer.Length)
        {
            throw new ProtocolException(
                $"the answer's Inference-Header-Content-Length is {headerLength} but the answer has only {answer.Length} bytes; it must be the length of the JSON at its start");
        }

        var json = headerLength < 0 ? answer : answer[..(int)headerLength];
        var tail = new AnswerTail(headerLength < 0 ? [] : answer[(int)headerLength..], present: headerLength >= 0);
        try
        {
            var reader = new Utf8JsonReader(json, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new ProtocolException("the answer is not a JSON object with an \"outputs\" array");
            }

            var sawOutputs = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isOutputs = reader.ValueTextEquals("outputs"u8);
                reader.Read();
                if (!isOutputs)
                {
                    reader.Skip();
                    continue;
                }

                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw new ProtocolException("the answer's \"outputs\" must be an array of tensors");
                }

                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    ReadOutput(ref reader, json, ref tail);
                }

                sawOutputs = true;
            }

            if (!sawOutputs)
            {
                throw new ProtocolException("the answer has no \"outputs\" array");
            }

            if (tail.Offset != tail.Data.Length)
            {
                throw new ProtocolException(
                    $"the binary data after the answer's JSON is {tail.Data.Length} bytes but its outputs' binary_data_size parameters add up to {tail.Offset}; they must match exactly");
            }
        }
        catch (JsonException ex)
        {
            throw new ProtocolException("the answer is not valid JSON: " + ex.Message, ex);
        }
    }

    /// <summary>Starts an answer given as tensors rather than JSON (a gRPC one): every output is absent until <see cref="ReadTensor"/> sets it.</summary>
    public void Clear()
    {
        foreach (var output in _outputs)
        {
            output.Clear();
        }
    }

    /// <summary>Sets the output named <paramref name="utf8Name"/>, when it is one read, from little-endian elements of a fixed-size datatype.</summary>
    public void ReadTensor(ReadOnlySpan<byte> utf8Name, DataType type, ReadOnlySpan<long> shape, ReadOnlySpan<byte> data)
    {
        if (!DataTypes.IsFixedSize(type))
        {
            throw new ProtocolException($"a {DataTypes.Name(type)} tensor has no fixed-size elements to compare");
        }

        Output? output = null;
        foreach (var candidate in _outputs)
        {
            if (utf8Name.SequenceEqual(candidate.Utf8Name))
            {
                output = candidate;
            }
        }

        if (output is null)
        {
            return;
        }

        output.Start(type, shape);
        var count = data.Length / DataTypes.SizeOf(type);
        for (var i = 0; i < count; i++)
        {
            output.Add(TensorElements.ToDouble(type, data, i));
        }
    }

    private void ReadOutput(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, ref AnswerTail tail)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new ProtocolException("each element of the answer's \"outputs\" must be an object with name, datatype, shape and data");
        }

        Output? output = null;
        var sawName = false;
        DataType? datatype = null;
        Span<long> shape = stackalloc long[InferenceRequestParserLimits.MaxRank];
        var rank = -1;
        var data = default(Utf8JsonReader);
        var dataStart = -1L;
        var binarySize = -1L;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                RequireString(ref reader, "\"name\"");
                output = Find(ref reader);
                sawName = true;
            }
            else if (reader.ValueTextEquals("datatype"u8))
            {
                reader.Read();
                RequireString(ref reader, "\"datatype\"");
                if (reader.ValueIsEscaped || reader.HasValueSequence)
                {
                    throw new ProtocolException($"an output's datatype is unknown; supported: {DataTypes.SupportedList}");
                }

                datatype = DataTypes.Parse(reader.ValueSpan);
            }
            else if (reader.ValueTextEquals("shape"u8))
            {
                reader.Read();
                rank = ReadShape(ref reader, shape);
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw new ProtocolException("an output's \"data\" must be a flat array");
                }

                // Read once the datatype is known, which may come after the data.
                data = reader;
                dataStart = reader.TokenStartIndex;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                reader.Read();
                binarySize = ReadBinaryDataSize(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (!sawName || datatype is not { } type || rank < 0 || (dataStart < 0 && binarySize < 0))
        {
            throw new ProtocolException("an output lacks a string name and datatype, or a shape and a data array (or parameters.binary_data_size)");
        }

        if (dataStart >= 0 && binarySize >= 0)
        {
            throw new ProtocolException("an output has both \"data\" and parameters.binary_data_size; an answer sends each output's data one way");
        }

        // An output's binary data is taken from the tail even when it is not one read: the next output's follows it.
        var binary = binarySize >= 0 ? tail.Take(binarySize) : default;
        if (output is null)
        {
            return;
        }

        if (output.Present)
        {
            throw new ProtocolException($"output \"{output.Name}\" is in the answer twice");
        }

        output.Start(type, shape[..rank]);
        if (binarySize >= 0)
        {
            ReadBinaryData(output, binary);
            return;
        }

        if (!DataTypes.IsFixedSize(type))
        {
            // BYTES: kept as length-prefixed elements, the binary extension's layout, so both forms compare alike.
            var strings = 0;
            while (data.Read() && data.TokenType != JsonTokenType.EndArray)
            {
                if (data.TokenType != JsonTokenType.String)
                {
                    throw new ProtocolException($"output \"{output.Name}\" (BYTES): element {strings} is not one; the data must be a flat array of {DataTypes.AllowedJson(type)}");
                }

                output.AddString(ref data);
                strings++;
            }

            return;
        }

        var readAs = Widest(type);
        // A heap scratch, not a stackalloc: the reader reads the caller's span, so a local span may not meet it.
        var element = _element.AsSpan(0, DataTypes.SizeOf(readAs));
        var index = 0;
        while (data.Read() && data.TokenType != JsonTokenType.EndArray)
        {
            if (!TensorElements.TryReadJson(ref data, readAs, element))
            {
                throw new ProtocolException(
                    $"output \"{output.Name}\" ({DataTypes.Name(type)}): element {index} is not one; the data must be a flat array of {DataTypes.AllowedJson(type)}");
            }

            output.Add(TensorElements.ToDouble(readAs, element, 0));
            index++;
        }
    }

    /// <summary>
    /// The values of an output sent in binary: fixed-size elements exactly as many as its shape needs, or BYTES
    /// elements each with its 4-byte length, checked by <see cref="TensorElements.CheckBytesLayout"/>.
    /// </summary>
    private static void ReadBinaryData(Output output, ReadOnlySpan<byte> binary)
    {
        var elements = 1L;
        foreach (var dim in output.Shape)
        {
            elements = dim == 0 || elements <= long.MaxValue / dim ? elements * dim : throw new ProtocolException($"output \"{output.Name}\" has a shape of more elements than a tensor may hold");
        }

        var type = output.DataType;
        if (!DataTypes.IsFixedSize(type))
        {
            if (TensorElements.CheckBytesLayout(binary, elements) is { } problem)
            {
                throw new ProtocolException($"output \"{output.Name}\" (BYTES, binary): {problem}; each element is a 4-byte little-endian length and that many bytes");
            }

            output.SetRaw(binary);
            return;
        }

        if (TensorElements.FixedByteLength(type, elements) != binary.Length)
        {
            throw new ProtocolException(
                $"output \"{output.Name}\" has binary_data_size {binary.Length} but {elements} element(s) of {DataTypes.Name(type)} need {elements} x {DataTypes.SizeOf(type)} bytes");
        }

        for (var i = 0; i < (int)elements; i++)
        {
            output.Add(TensorElements.ToDouble(type, binary, i));
        }
    }

    /// <summary>An output's <c>parameters</c>: its <c>binary_data_size</c> (the binary data extension), or -1 without one.</summary>
    private static long ReadBinaryDataSize(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new ProtocolException("an output's \"parameters\" must be an object");
        }

        var size = -1L;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isSize = reader.ValueTextEquals("binary_data_size"u8);
            reader.Read();
            if (!isSize)
            {
                reader.Skip();
                continue;
            }

            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out size) || size < 0)
            {
                throw new ProtocolException("an output's parameters.binary_data_size must be an integer >= 0 (the bytes of its data after the JSON)");
            }
        }

        return size;
    }

    /// <summary>
    /// The type whose JSON reading takes every value of <paramref name="type"/> exactly: a float type as itself (so a
    /// value compares at the precision the model produced it, whether it came as JSON text or as gRPC's binary), integers
    /// as INT64 or UINT64, BOOL as itself.
    /// </summary>
    private static DataType Widest(DataType type) => type switch
    {
        DataType.FP16 or DataType.BF16 or DataType.FP32 or DataType.FP64 => type,
        DataType.UInt8 or DataType.UInt16 or DataType.UInt32 or DataType.UInt64 => DataType.UInt64,
        DataType.Bool => DataType.Bool,
        _ => DataType.Int64,
    };

    private Output? Find(ref Utf8JsonReader reader)
    {
        foreach (var output in _outputs)
        {
            if (reader.ValueTextEquals(output.Utf8Name))
            {
                return output;
            }
        }

        return null;
    }

    private static void RequireString(ref Utf8JsonReader reader, string what)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new ProtocolException($"an output's {what} must be a string");
        }
    }

    private static int ReadShape(ref Utf8JsonReader reader, scoped Span<long> shape)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new ProtocolException("an output's \"shape\" must be an array of integers >= 0");
        }

        var rank = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (rank == shape.Length)
            {
                throw new ProtocolException($"an output's shape has more than {shape.Length} dimensions");
            }

            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var dim) || dim < 0)
            {
                throw new ProtocolException("an output's \"shape\" must be an array of integers >= 0");
            }

            shape[rank++] = dim;
        }

        return rank;
    }

    /// <summary>One output of the answer: present or not, and if so its datatype, shape and values.</summary>
    public sealed class Output
    {
        private readonly long[] _shape = new long[InferenceRequestParserLimits.MaxRank];
        private double[] _values = [];
        private byte[] _raw = [];
        private int _rank;
        private int _count;
        private int _rawLength;

        internal Output(string name)
        {
            Name = name;
            Utf8Name = System.Text.Encoding.UTF8.GetBytes(name);
        }

        public string Name { get; }

        /// <summary>Whether the last answer read had this output.</summary>
        public bool Present { get; private set; }

        public DataType DataType { get; private set; }

        public ReadOnlySpan<long> Shape => _shape.AsSpan(0, _rank);

        /// <summary>True for numeric and BOOL outputs (their <see cref="Values"/>); false for BYTES (<see cref="RawData"/>).</summary>
        public bool IsNumeric => DataTypes.IsFixedSize(DataType);

        /// <summary>The elements in row-major order, as doubles.</summary>
        public ReadOnlySpan<double> Values => _values.AsSpan(0, _count);

        /// <summary>A BYTES output's elements, each a 4-byte little-endian length and its bytes (whether sent as JSON or binary).</summary>
        public ReadOnlySpan<byte> RawData => _raw.AsSpan(0, _rawLength);

        internal byte[] Utf8Name { get; }

        internal void Clear()
        {
            Present = false;
            _rank = 0;
            _count = 0;
            _rawLength = 0;
        }

        internal void Start(DataType type, ReadOnlySpan<long> shape)
        {
            Present = true;
            DataType = type;
            shape.CopyTo(_shape);
            _rank = shape.Length;
        }

        internal void Add(double value)
        {
            if (_count == _values.Length)
            {
                _values = Grow(_values, _count);
            }

            _values[_count++] = value;
        }

        internal void SetRaw(ReadOnlySpan<byte> raw)
        {
            _rawLength = 0;
            EnsureRaw(raw.Length);
            raw.CopyTo(_raw);
            _rawLength = raw.Length;
        }

        /// <summary>Appends the JSON string the reader is on as one BYTES element: its unescaped length, then its bytes.</summary>
        internal void AddString(ref Utf8JsonReader reader)
        {
            // Unescaping never lengthens a string, so its JSON length bounds the room needed.
            EnsureRaw(_rawLength + TensorElements.BytesLengthPrefix + reader.ValueSpan.Length);
            var length = reader.CopyString(_raw.AsSpan(_rawLength + TensorElements.BytesLengthPrefix));
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(_raw.AsSpan(_rawLength), length);
            _rawLength += TensorElements.BytesLengthPrefix + length;
        }

        /// <summary>Room for <paramref name="length"/> bytes of raw data, keeping what is there.</summary>
        private void EnsureRaw(int length)
        {
            if (_raw.Length >= length)
            {
                return;
            }

            var grown = ArrayPool<byte>.Shared.Rent(Math.Max(length, _raw.Length * 2));
            _raw.AsSpan(0, _rawLength).CopyTo(grown);
            if (_raw.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_raw);
            }

            _raw = grown;
        }

        private static double[] Grow(double[] values, int count)
        {
            var grown = ArrayPool<double>.Shared.Rent(Math.Max(16, count * 2));
            values.AsSpan(0, count).CopyTo(grown);
            if (values.Length > 0)
            {
                ArrayPool<double>.Shared.Return(values);
            }

            return grown;
        }
    }
}

/// <summary>The bytes after the JSON of a binary-extension answer, and how far its outputs have taken them.</summary>
internal ref struct AnswerTail
{
    private readonly bool _present;

    public AnswerTail(ReadOnlySpan<byte> data, bool present)
    {
        Data = data;
        _present = present;
    }

    public ReadOnlySpan<byte> Data { get; }

    public int Offset { get; private set; }

    /// <summary>The next <paramref name="size"/> bytes, for an output that declared that binary_data_size.</summary>
    public ReadOnlySpan<byte> Take(long size)
    {
        if (!_present)
        {
            throw new ProtocolException("an output has parameters.binary_data_size but the answer has no Inference-Header-Content-Length, so it has no binary data");
        }

        if (size > Data.Length - Offset)
        {
            throw new ProtocolException($"an output has binary_data_size {size} but only {Data.Length - Offset} bytes of binary data are left after the outputs before it");
        }

        var taken = Data.Slice(Offset, (int)size);
        Offset += (int)size;
        return taken;
    }
}
