using System.Buffers;
using System.Text.Json;

namespace ModelOperator.Runtime.Protocol;

/// <summary>
/// The outputs of an Open Inference Protocol v2 JSON answer (<c>{"outputs":[{"name","datatype","shape","data"}]}</c>, data
/// flat, as <see cref="InferenceResponseWriter"/> writes it), read to compare one server's answer with another's: for
/// each output named at construction, its datatype, shape and values as doubles. One instance is read again and again:
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
    public void Read(ReadOnlySpan<byte> json)
    {
        foreach (var output in _outputs)
        {
            output.Clear();
        }

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
                    ReadOutput(ref reader, json);
                }

                sawOutputs = true;
            }

            if (!sawOutputs)
            {
                throw new ProtocolException("the answer has no \"outputs\" array");
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

    private void ReadOutput(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
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
        var dataEnd = -1L;
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
                dataEnd = reader.BytesConsumed;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (!sawName || datatype is not { } type || rank < 0 || dataStart < 0)
        {
            throw new ProtocolException("an output lacks a string name and datatype, or a shape and data array");
        }

        if (output is null)
        {
            return;
        }

        if (output.Present)
        {
            throw new ProtocolException($"output \"{output.Name}\" is in the answer twice");
        }

        output.Start(type, shape[..rank]);
        if (!DataTypes.IsFixedSize(type))
        {
            // BYTES: compared as the data's JSON text, equal or not.
            output.SetRaw(json[(int)dataStart..(int)dataEnd]);
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

        /// <summary>A BYTES output's data as the answer's JSON text.</summary>
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
            if (_raw.Length < raw.Length)
            {
                if (_raw.Length > 0)
                {
                    ArrayPool<byte>.Shared.Return(_raw);
                }

                _raw = ArrayPool<byte>.Shared.Rent(raw.Length);
            }

            raw.CopyTo(_raw);
            _rawLength = raw.Length;
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
