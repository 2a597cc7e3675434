using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace ModelOperator.Runtime.Protocol;

/// <summary>
/// Parses an Open Inference Protocol v2 JSON inference request straight into an
/// <see cref="InferenceRequest"/>, validating it against the model's signature as it goes.
/// Every rejection is a <see cref="ProtocolException"/> whose message names the problem and
/// what is allowed. The parser reads the body once, with no intermediate DOM.
/// </summary>
public static class InferenceRequestParser
{
    /// <summary>Deepest JSON nesting accepted: enough for a rank-16 tensor sent as nested arrays.</summary>
    public const int MaxDepth = 20;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>Parses <paramref name="body"/> into <paramref name="request"/> (which must be reset).</summary>
    public static void Parse(ReadOnlySequence<byte> body, InferenceRequest request) => Parse(body, request, headerLength: -1);

    /// <summary>
    /// Parses a request of the binary data extension: the first <paramref name="headerLength"/> bytes
    /// of <paramref name="body"/> are the JSON request (the <c>Inference-Header-Content-Length</c>
    /// header), the rest is the data of the inputs that declare <c>binary_data_size</c>, in the order
    /// of the inputs array. A negative <paramref name="headerLength"/> means the whole body is JSON.
    /// </summary>
    public static void Parse(ReadOnlySequence<byte> body, InferenceRequest request, long headerLength)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (body.IsEmpty)
        {
            throw new ProtocolException("request body is empty; expected a JSON inference request with an \"inputs\" array");
        }

        var binary = new BinaryTail(default, Present: false);
        if (headerLength >= 0)
        {
            if (headerLength > body.Length)
            {
                throw new ProtocolException(
                    $"Inference-Header-Content-Length is {headerLength} but the body has only {body.Length} bytes; it must be the length of the JSON at the start of the body");
            }

            binary = new BinaryTail(body.Slice(headerLength), Present: true);
            body = body.Slice(0, headerLength);
            if (body.IsEmpty)
            {
                throw new ProtocolException("Inference-Header-Content-Length is 0; the body must start with a JSON inference request of that length");
            }
        }

        try
        {
            var reader = new Utf8JsonReader(body, ReaderOptions);
            ParseRoot(ref reader, request, body.Length + binary.Data.Length, ref binary);
        }
        catch (JsonException ex) when (ex.Message.Contains("maximum configured depth", StringComparison.Ordinal))
        {
            throw new ProtocolException($"JSON nesting too deep: at most {MaxDepth} levels are accepted", ex);
        }
        catch (JsonException ex)
        {
            throw new ProtocolException("malformed JSON: " + ex.Message, ex);
        }
    }

    /// <summary>Parses a contiguous body; see <see cref="Parse(ReadOnlySequence{byte}, InferenceRequest)"/>.</summary>
    public static void Parse(ReadOnlyMemory<byte> body, InferenceRequest request) => Parse(new ReadOnlySequence<byte>(body), request);

    private static void ParseRoot(ref Utf8JsonReader reader, InferenceRequest request, long bodyLength, ref BinaryTail binary)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new ProtocolException("the request body must be a JSON object with an \"inputs\" array");
        }

        var sawInputs = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            RequireValidString(ref reader);
            if (reader.ValueTextEquals("inputs"u8))
            {
                reader.Read();
                ParseInputs(ref reader, request, bodyLength, ref binary);
                sawInputs = true;
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    throw new ProtocolException("\"id\" must be a string");
                }

                RequireValidString(ref reader);
                request.SetId(ref reader);
            }
            else if (reader.ValueTextEquals("outputs"u8))
            {
                reader.Read();
                ParseRequestedOutputs(ref reader, request);
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                reader.Read();
                ParseRequestParameters(ref reader, request);
            }
            else
            {
                // Unknown members are ignored, as the protocol's extension mechanism expects.
                reader.Read();
                SkipValue(ref reader);
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new ProtocolException("malformed JSON: expected a property name or the end of the request object");
        }

        if (reader.Read())
        {
            throw new ProtocolException("malformed JSON: unexpected content after the request object");
        }

        if (!sawInputs)
        {
            throw new ProtocolException("the request has no \"inputs\" array; the model expects inputs: " + request.Signature.InputNames);
        }

        if (binary.Present && binary.Offset != binary.Data.Length)
        {
            throw new ProtocolException(
                $"the binary data after the JSON is {binary.Data.Length} bytes but the inputs' binary_data_size parameters add up to {binary.Offset}; they must match exactly");
        }

        RequireComplete(request);
    }

    /// <summary>Checks, once every input is read, that none is missing and that all agree on the batch size (JSON, gRPC).</summary>
    internal static void RequireComplete(InferenceRequest request)
    {
        var slots = request.Inputs;
        for (var i = 0; i < slots.Length; i++)
        {
            if (!slots[i].Present)
            {
                throw new ProtocolException($"missing input \"{request.Signature.Inputs[i].Name}\"; the model expects inputs: {request.Signature.InputNames}");
            }
        }

        // All inputs of one request describe the same rows.
        if (slots.Length > 1)
        {
            for (var i = 1; i < slots.Length; i++)
            {
                if (slots[i].Rank > 0 && slots[0].Rank > 0 && slots[i].Shape[0] != slots[0].Shape[0]
                    && request.Signature.Inputs[i].Shape[0] < 0 && request.Signature.Inputs[0].Shape[0] < 0)
                {
                    throw new ProtocolException(
                        $"inputs disagree on the batch size: \"{request.Signature.Inputs[0].Name}\" has {slots[0].Shape[0]} rows but \"{request.Signature.Inputs[i].Name}\" has {slots[i].Shape[0]}");
                }
            }
        }
    }

    private static void ParseInputs(ref Utf8JsonReader reader, InferenceRequest request, long bodyLength, ref BinaryTail binary)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new ProtocolException("\"inputs\" must be an array of tensors");
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            ParseInput(ref reader, request, bodyLength, ref binary);
        }
    }

    private static void ParseInput(ref Utf8JsonReader reader, InferenceRequest request, long bodyLength, ref BinaryTail binary)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new ProtocolException("each element of \"inputs\" must be an object with name, shape, datatype and data");
        }

        var signature = request.Signature;
        var index = -1;
        var sawName = false;
        var sawShape = false;
        var sawDatatype = false;
        var sawData = false;
        var datatype = DataType.FP32;
        Span<long> shape = stackalloc long[InferenceRequestParserLimits.MaxRank];
        var rank = 0;
        var dataReader = default(Utf8JsonReader);
        var dataRawLength = 0L;
        var binarySize = -1L;
        Span<byte> name = stackalloc byte[32];
        string? unsupported = null;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            RequireValidString(ref reader);
            if (reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    throw new ProtocolException("an input's \"name\" must be a string");
                }

                RequireValidString(ref reader);
                index = FindInput(ref reader, signature);
                sawName = true;
            }
            else if (reader.ValueTextEquals("shape"u8))
            {
                reader.Read();
                rank = ParseShape(ref reader, shape);
                sawShape = true;
            }
            else if (reader.ValueTextEquals("datatype"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    throw new ProtocolException($"an input's \"datatype\" must be a string; supported: {DataTypes.SupportedList}");
                }

                RequireValidString(ref reader);
                var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
                if (length > name.Length)
                {
                    throw new ProtocolException($"unknown datatype; supported: {DataTypes.SupportedList}");
                }

                datatype = DataTypes.Parse(name[..reader.CopyString(name)]);
                sawDatatype = true;
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw new ProtocolException("an input's \"data\" must be an array (flat, or nested row-major)");
                }

                // The data may come before shape and datatype; remember where it starts and
                // read it once the whole tensor description is known.
                dataReader = reader;
                var start = reader.TokenStartIndex;
                SkipValue(ref reader);
                dataRawLength = reader.BytesConsumed - start;
                sawData = true;
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                reader.Read();
                binarySize = ParseInputParameters(ref reader, out unsupported);
            }
            else
            {
                reader.Read();
                SkipValue(ref reader);
            }
        }

        if (!sawName)
        {
            throw new ProtocolException("an input has no \"name\"; the model expects inputs: " + signature.InputNames);
        }

        var expected = signature.Inputs[index];
        if (unsupported is not null)
        {
            throw UnsupportedExtension(unsupported, $"input \"{expected.Name}\"");
        }

        var isBinary = binarySize >= 0;
        if (!sawShape || !sawDatatype || !(sawData || isBinary))
        {
            var missing = !sawShape ? "shape" : !sawDatatype ? "datatype" : "data";
            throw new ProtocolException(
                $"input \"{expected.Name}\" has no \"{missing}\"; every input needs name, shape, datatype and data (or parameters.binary_data_size with binary data after the JSON)");
        }

        if (isBinary && sawData)
        {
            throw new ProtocolException($"input \"{expected.Name}\" has both \"data\" and parameters.binary_data_size; send its data one way");
        }

        var slot = request.Inputs[index];
        if (slot.Present)
        {
            throw new ProtocolException($"input \"{expected.Name}\" is given twice");
        }

        if (datatype != expected.DataType)
        {
            throw WrongDatatype(expected, datatype);
        }

        var elements = ValidateShape(expected, shape[..rank], bodyLength);
        shape[..rank].CopyTo(slot.Shape);
        slot.DataType = datatype;
        slot.ElementCount = elements;
        if (isBinary)
        {
            ReadBinary(ref binary, expected, slot, binarySize);
        }
        else if (DataTypes.IsFixedSize(datatype))
        {
            var bytes = slot.Allocate(TensorElements.FixedByteLength(datatype, elements)
                                      ?? throw new ProtocolException($"input \"{expected.Name}\" has shape {Format(slot.Shape)}, too many elements for one tensor"));
            ParseData(ref dataReader, expected, slot.Shape, datatype, bytes, elements);
        }
        else
        {
            // Each string takes its 4-byte length plus at most its raw JSON length (escapes only shrink).
            var bytes = slot.Allocate(checked((int)((elements * TensorElements.BytesLengthPrefix) + dataRawLength)));
            slot.SetByteLength(ParseData(ref dataReader, expected, slot.Shape, datatype, bytes, elements));
        }

        slot.Present = true;
    }

    // Takes the input's bytes from the binary tail (in the order of the inputs array) and checks
    // that they are exactly what its shape and datatype need.
    private static void ReadBinary(ref BinaryTail binary, TensorSignature expected, InferenceRequest.InputSlot slot, long size)
    {
        if (!binary.Present)
        {
            throw new ProtocolException(
                $"input \"{expected.Name}\" has parameters.binary_data_size but the request has no Inference-Header-Content-Length header, so it has no binary data");
        }

        var left = binary.Data.Length - binary.Offset;
        if (size > left)
        {
            throw new ProtocolException(
                $"input \"{expected.Name}\" has binary_data_size {size} but only {left} bytes of binary data are left after the inputs before it");
        }

        var type = slot.DataType;
        if (DataTypes.IsFixedSize(type))
        {
            var want = (long)slot.ElementCount * DataTypes.SizeOf(type);
            if (size != want)
            {
                throw new ProtocolException(
                    $"input \"{expected.Name}\" has binary_data_size {size} but shape {Format(slot.Shape)} of {DataTypes.Name(type)} needs {slot.ElementCount} x {DataTypes.SizeOf(type)} = {want} bytes");
            }
        }

        var bytes = slot.Allocate(checked((int)size));
        binary.Data.Slice(binary.Offset, size).CopyTo(bytes);
        binary.Offset += size;
        if (!DataTypes.IsFixedSize(type))
        {
            RequireBytesLayout(expected, slot.Shape, bytes, slot.ElementCount);
        }
    }

    /// <summary>Checks BYTES data sent as bytes (the binary extension, gRPC's raw contents): length-prefixed elements, exactly as many as the shape needs.</summary>
    internal static void RequireBytesLayout(TensorSignature expected, ReadOnlySpan<long> shape, ReadOnlySpan<byte> bytes, long elements)
    {
        if (TensorElements.CheckBytesLayout(bytes, elements) is { } problem)
        {
            throw new ProtocolException(
                $"input \"{expected.Name}\" (BYTES, shape {Format(shape)}): {problem}; each element is a 4-byte little-endian length and that many bytes");
        }
    }

    // An input's parameters: binary_data_size (the binary data extension) is the one this server
    // reads; others are ignored. Returns it, or -1 when absent.
    private static long ParseInputParameters(ref Utf8JsonReader reader, out string? unsupported)
    {
        RequireObject(ref reader, "an input's \"parameters\"");
        var size = -1L;
        unsupported = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            RequireValidString(ref reader);
            unsupported ??= UnsupportedParameter(ref reader);
            var isSize = reader.ValueTextEquals("binary_data_size"u8);
            reader.Read();
            if (!isSize)
            {
                SkipValue(ref reader);
                continue;
            }

            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out size) || size < 0)
            {
                throw new ProtocolException("an input's parameters.binary_data_size must be an integer >= 0 (the bytes of its data after the JSON)");
            }
        }

        return size;
    }

    // The request's parameters: binary_data_output asks for every output in binary.
    private static void ParseRequestParameters(ref Utf8JsonReader reader, InferenceRequest request)
    {
        RequireObject(ref reader, "\"parameters\"");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            RequireValidString(ref reader);
            var isBinary = reader.ValueTextEquals("binary_data_output"u8);
            reader.Read();
            if (isBinary)
            {
                request.BinaryDataOutput = ReadBoolParameter(ref reader, "parameters.binary_data_output");
            }
            else
            {
                SkipValue(ref reader);
            }
        }
    }

    // Parameters of extensions this server does not implement. Ignoring them would answer something
    // else than the client asked for (raw scores instead of top-k classes; data in JSON while the
    // client reads a shared-memory region it registered), so they are refused by name instead.
    private static string? UnsupportedParameter(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("classification"u8) ? "classification"
        : reader.ValueTextEquals("shared_memory_region"u8) ? "shared_memory_region"
        : reader.ValueTextEquals("shared_memory_byte_size"u8) ? "shared_memory_byte_size"
        : reader.ValueTextEquals("shared_memory_offset"u8) ? "shared_memory_offset"
        : null;

    private static ProtocolException UnsupportedExtension(string parameter, string tensor) =>
        new(parameter == "classification"
            ? $"{tensor} has parameters.classification, but this server does not implement the classification extension; request the output without it to get its values"
            : $"{tensor} has parameters.{parameter}, but this server does not implement the shared-memory extensions; send the data in the request (JSON \"data\" or binary_data_size) and read outputs from the response");

    private static bool ReadBoolParameter(ref Utf8JsonReader reader, string what) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => throw new ProtocolException(what + " must be true or false"),
    };

    private static int FindInput(ref Utf8JsonReader reader, ModelSignature signature)
    {
        for (var i = 0; i < signature.Inputs.Count; i++)
        {
            if (reader.ValueTextEquals(signature.Inputs[i].Utf8Name))
            {
                return i;
            }
        }

        throw UnknownInput(reader.GetString() ?? string.Empty, signature);
    }

    private static int ParseShape(ref Utf8JsonReader reader, scoped Span<long> shape)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new ProtocolException("an input's \"shape\" must be an array of non-negative integers");
        }

        var rank = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (rank == shape.Length)
            {
                throw new ProtocolException($"shape has more than {shape.Length} dimensions");
            }

            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var dim))
            {
                throw new ProtocolException($"shape[{rank}] is not an integer; dimensions must be integers >= 0");
            }

            if (dim < 0)
            {
                throw new ProtocolException($"shape[{rank}] is {dim}; dimensions must be >= 0");
            }

            shape[rank++] = dim;
        }

        return rank;
    }

    // Checks rank and fixed dimensions against the model and returns the element count,
    // refusing counts that overflow or that the body could not possibly hold.
    internal static long ValidateShape(TensorSignature expected, ReadOnlySpan<long> shape, long bodyLength)
    {
        if (shape.Length != expected.Rank)
        {
            throw new ProtocolException(
                $"input \"{expected.Name}\" has shape {Format(shape)} (rank {shape.Length}) but the model expects rank {expected.Rank}: {Format(expected.Shape)}");
        }

        long elements = 1;
        for (var d = 0; d < shape.Length; d++)
        {
            var want = expected.Shape[d];
            if (want >= 0 && shape[d] != want)
            {
                throw new ProtocolException(
                    $"input \"{expected.Name}\" has shape {Format(shape)} but the model expects {Format(expected.Shape)} (dimension {d} must be {want})");
            }

            try
            {
                elements = checked(elements * shape[d]);
            }
            catch (OverflowException)
            {
                throw new ProtocolException($"input \"{expected.Name}\" has shape {Format(shape)} whose element count overflows");
            }
        }

        // Each JSON element takes at least one byte and one separator: a count beyond the body
        // length is a lie about the data, refused before any buffer is sized from it.
        if (elements > bodyLength)
        {
            throw new ProtocolException(
                $"input \"{expected.Name}\" has shape {Format(shape)} with {elements} elements, more than a {bodyLength}-byte body can hold");
        }

        return elements;
    }

    // Returns the bytes written: elements x size, or for BYTES the length-prefixed strings.
    private static int ParseData(ref Utf8JsonReader reader, TensorSignature expected, long[] shape, DataType datatype, Span<byte> destination, long elements)
    {
        // reader is positioned on the data's StartArray. Nested arrays must follow the shape
        // exactly (row-major); a flat array must hold exactly the element count.
        Span<long> counts = stackalloc long[MaxDepth];
        var depth = 0; // depth within data: 1 = the data array itself
        var nested = false;
        var written = 0L;
        var offset = 0;
        var fixedSize = DataTypes.IsFixedSize(datatype);
        var size = fixedSize ? DataTypes.SizeOf(datatype) : 0;
        do
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartArray:
                    if (depth > 0)
                    {
                        counts[depth - 1]++;
                        nested = true;
                        if (depth >= shape.Length)
                        {
                            throw new ProtocolException(
                                $"input \"{expected.Name}\": data is nested deeper than its shape {Format(shape)} allows");
                        }
                    }

                    counts[depth] = 0;
                    depth++;
                    break;

                case JsonTokenType.EndArray:
                    depth--;
                    if (nested && counts[depth] != shape[depth])
                    {
                        throw new ProtocolException(
                            $"input \"{expected.Name}\": nested data has {counts[depth]} elements at depth {depth} but shape {Format(shape)} says {shape[depth]}");
                    }

                    break;

                default:
                    if (nested && depth != shape.Length)
                    {
                        throw new ProtocolException(
                            $"input \"{expected.Name}\": nested data mixes values and arrays; it must follow shape {Format(shape)} row-major");
                    }

                    if (written == elements)
                    {
                        throw new ProtocolException(
                            $"input \"{expected.Name}\" has more data elements than shape {Format(shape)} holds ({elements})");
                    }

                    counts[depth - 1]++;
                    if (fixedSize)
                    {
                        if (!TensorElements.TryReadJson(ref reader, datatype, destination.Slice(offset, size)))
                        {
                            throw BadElement(ref reader, expected, written, DataTypes.AllowedJson(datatype));
                        }

                        offset += size;
                    }
                    else
                    {
                        offset += ReadString(ref reader, expected, destination[offset..], written);
                    }

                    written++;
                    break;
            }
        }
        while (depth > 0 && reader.Read());

        if (written != elements)
        {
            throw new ProtocolException(
                $"input \"{expected.Name}\" has {written} data elements but shape {Format(shape)} needs {elements}");
        }

        return offset;
    }

    // One BYTES element from a JSON string: its 4-byte length, then its UTF-8 bytes.
    private static int ReadString(ref Utf8JsonReader reader, TensorSignature expected, Span<byte> destination, long index)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw BadElement(ref reader, expected, index, DataTypes.AllowedJson(DataType.Bytes));
        }

        var length = reader.CopyString(destination[TensorElements.BytesLengthPrefix..]);
        BinaryPrimitives.WriteInt32LittleEndian(destination, length);
        return TensorElements.BytesLengthPrefix + length;
    }

    private static ProtocolException BadElement(ref Utf8JsonReader reader, TensorSignature expected, long index, string allowed)
    {
        var shown = reader.TokenType switch
        {
            JsonTokenType.String => "the string \"" + DataTypes.Truncate(reader.GetString() ?? string.Empty) + "\"",
            JsonTokenType.Number => Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan.ToArray()),
            JsonTokenType.True => "true",
            JsonTokenType.False => "false",
            JsonTokenType.Null => "null",
            JsonTokenType.StartObject => "an object",
            _ => reader.TokenType.ToString(),
        };
        return new ProtocolException(
            $"input \"{expected.Name}\" ({DataTypes.Name(expected.DataType)}): element {index} is {DataTypes.Truncate(shown)}; expected {allowed}");
    }

    private static void ParseRequestedOutputs(ref Utf8JsonReader reader, InferenceRequest request)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new ProtocolException("\"outputs\" must be an array of objects with a \"name\"");
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new ProtocolException("each element of \"outputs\" must be an object with a \"name\"");
            }

            var index = -1;
            bool? binary = null;
            string? unsupported = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                RequireValidString(ref reader);
                if (reader.ValueTextEquals("name"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw new ProtocolException("a requested output's \"name\" must be a string");
                    }

                    RequireValidString(ref reader);
                    index = FindOutput(ref reader, request.Signature);
                }
                else if (reader.ValueTextEquals("parameters"u8))
                {
                    reader.Read();
                    binary = ParseOutputParameters(ref reader, out unsupported);
                }
                else
                {
                    reader.Read();
                    SkipValue(ref reader);
                }
            }

            if (index < 0)
            {
                throw new ProtocolException("a requested output has no \"name\"; the model's outputs are: " + request.Signature.OutputNames);
            }

            if (unsupported is not null)
            {
                throw UnsupportedExtension(unsupported, $"requested output \"{request.Signature.Outputs[index].Name}\"");
            }

            if (!request.AddRequestedOutput(index))
            {
                throw new ProtocolException($"output \"{request.Signature.Outputs[index].Name}\" is requested twice");
            }

            if (binary is { } b)
            {
                request.SetBinaryOutput(index, b);
            }
        }
    }

    // A requested output's parameters: binary_data (the binary data extension) is the one read;
    // one that asks for an extension this server lacks is named in unsupported.
    private static bool? ParseOutputParameters(ref Utf8JsonReader reader, out string? unsupported)
    {
        RequireObject(ref reader, "a requested output's \"parameters\"");
        bool? binary = null;
        unsupported = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            RequireValidString(ref reader);
            unsupported ??= UnsupportedParameter(ref reader);
            var isBinary = reader.ValueTextEquals("binary_data"u8);
            reader.Read();
            if (isBinary)
            {
                binary = ReadBoolParameter(ref reader, "a requested output's parameters.binary_data");
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        return binary;
    }

    private static int FindOutput(ref Utf8JsonReader reader, ModelSignature signature)
    {
        for (var i = 0; i < signature.Outputs.Count; i++)
        {
            if (reader.ValueTextEquals(signature.Outputs[i].Utf8Name))
            {
                return i;
            }
        }

        throw UnknownOutput(reader.GetString() ?? string.Empty, signature);
    }

    internal static ProtocolException WrongDatatype(TensorSignature expected, DataType datatype) =>
        new($"input \"{expected.Name}\" has datatype {DataTypes.Name(datatype)} but the model expects {DataTypes.Name(expected.DataType)}");

    internal static ProtocolException UnknownInput(string name, ModelSignature signature) =>
        new($"unknown input \"{DataTypes.Truncate(name)}\"; the model's inputs are: {signature.InputNames}");

    internal static ProtocolException UnknownOutput(string name, ModelSignature signature) =>
        new($"unknown output \"{DataTypes.Truncate(name)}\"; the model's outputs are: {signature.OutputNames}");

    // Utf8JsonReader checks structure but not the text of strings: invalid UTF-8 and lone
    // surrogate escapes pass its tokenizer and only fail later, when a string is decoded. Every
    // member the parser skips goes through here instead of Utf8JsonReader.Skip, so that a body
    // that is not valid UTF-8 JSON is refused wherever the bad bytes sit.
    private static void SkipValue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            RequireValidString(ref reader);
            return;
        }

        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return;
        }

        var depth = reader.CurrentDepth;
        do
        {
            if (!reader.Read())
            {
                throw new ProtocolException("malformed JSON: the body ends inside an object or array");
            }

            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
            {
                RequireValidString(ref reader);
            }
        }
        while (reader.CurrentDepth > depth);
    }

    /// <summary>
    /// Refuses a string or property name whose raw bytes are not UTF-8 (including overlong
    /// forms and encoded surrogates) or whose escapes decode to a lone surrogate. Allocation-free
    /// for the unescaped strings of ordinary requests.
    /// </summary>
    private static void RequireValidString(ref Utf8JsonReader reader)
    {
        if (!reader.HasValueSequence)
        {
            RequireValidString(ref reader, reader.ValueSpan);
            return;
        }

        var length = checked((int)reader.ValueSequence.Length);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            reader.ValueSequence.CopyTo(rented);
            RequireValidString(ref reader, rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void RequireValidString(ref Utf8JsonReader reader, ReadOnlySpan<byte> raw)
    {
        if (!System.Text.Unicode.Utf8.IsValid(raw))
        {
            throw new ProtocolException($"malformed JSON: the string at byte {reader.TokenStartIndex} is not valid UTF-8");
        }

        if (!reader.ValueIsEscaped)
        {
            return;
        }

        // Escapes never make a string longer, so the raw length bounds the unescaped one.
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(raw.Length, 1));
        try
        {
            reader.CopyString(rented);
        }
        catch (InvalidOperationException ex)
        {
            throw new ProtocolException(
                $"malformed JSON: the string at byte {reader.TokenStartIndex} has an escape that is not valid UTF-16 (a lone surrogate such as \ud800)", ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void RequireObject(ref Utf8JsonReader reader, string what)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new ProtocolException(what + " must be an object");
        }
    }

    internal static string Format(ReadOnlySpan<long> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    internal static string Format(IReadOnlyList<long> shape) => "[" + string.Join(", ", shape) + "]";
}

/// <summary>The bytes after the JSON of a binary-extension request, and how far the inputs have read them.</summary>
internal record struct BinaryTail(ReadOnlySequence<byte> Data, bool Present)
{
    public long Offset { get; set; }
}

/// <summary>Fixed limits of the parser.</summary>
public static class InferenceRequestParserLimits
{
    /// <summary>Highest tensor rank accepted in a request.</summary>
    public const int MaxRank = 16;
}
