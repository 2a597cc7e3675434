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
    public static void Parse(ReadOnlySequence<byte> body, InferenceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (body.IsEmpty)
        {
            throw new ProtocolException("request body is empty; expected a JSON inference request with an \"inputs\" array");
        }

        try
        {
            var reader = new Utf8JsonReader(body, ReaderOptions);
            ParseRoot(ref reader, request, body.Length);
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

    private static void ParseRoot(ref Utf8JsonReader reader, InferenceRequest request, long bodyLength)
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
                ParseInputs(ref reader, request, bodyLength);
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
                RequireObject(ref reader, "\"parameters\"");
                SkipValue(ref reader);
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

    private static void ParseInputs(ref Utf8JsonReader reader, InferenceRequest request, long bodyLength)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new ProtocolException("\"inputs\" must be an array of tensors");
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            ParseInput(ref reader, request, bodyLength);
        }
    }

    private static void ParseInput(ref Utf8JsonReader reader, InferenceRequest request, long bodyLength)
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
        Span<byte> name = stackalloc byte[32];

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
                SkipValue(ref reader);
                sawData = true;
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                reader.Read();
                RequireObject(ref reader, "an input's \"parameters\"");
                SkipValue(ref reader);
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
        if (!sawShape || !sawDatatype || !sawData)
        {
            var missing = !sawShape ? "shape" : !sawDatatype ? "datatype" : "data";
            throw new ProtocolException($"input \"{expected.Name}\" has no \"{missing}\"; every input needs name, shape, datatype and data");
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
        var bytes = slot.Allocate(checked((int)(elements * DataTypes.SizeOf(datatype))));
        ParseData(ref dataReader, expected, slot.Shape, datatype, bytes, elements);
        slot.Present = true;
    }

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

    private static void ParseData(ref Utf8JsonReader reader, TensorSignature expected, long[] shape, DataType datatype, Span<byte> destination, long elements)
    {
        // reader is positioned on the data's StartArray. Nested arrays must follow the shape
        // exactly (row-major); a flat array must hold exactly the element count.
        Span<long> counts = stackalloc long[MaxDepth];
        var depth = 0; // depth within data: 1 = the data array itself
        var nested = false;
        var written = 0L;
        var size = DataTypes.SizeOf(datatype);
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
                    WriteElement(ref reader, expected, datatype, destination.Slice((int)(written * size), size), written);
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
    }

    private static void WriteElement(ref Utf8JsonReader reader, TensorSignature expected, DataType datatype, Span<byte> destination, long index)
    {
        switch (datatype)
        {
            case DataType.FP32:
                BinaryPrimitives.WriteSingleLittleEndian(destination, ReadFloat(ref reader, expected, index));
                break;
            case DataType.FP64:
                BinaryPrimitives.WriteDoubleLittleEndian(destination, ReadDouble(ref reader, expected, index));
                break;
            case DataType.Int32:
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var i32))
                {
                    throw BadElement(ref reader, expected, index, "an integer in the INT32 range");
                }

                BinaryPrimitives.WriteInt32LittleEndian(destination, i32);
                break;
            case DataType.Int64:
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var i64))
                {
                    throw BadElement(ref reader, expected, index, "an integer in the INT64 range");
                }

                BinaryPrimitives.WriteInt64LittleEndian(destination, i64);
                break;
            case DataType.UInt8:
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetByte(out var u8))
                {
                    throw BadElement(ref reader, expected, index, "an integer from 0 to 255");
                }

                destination[0] = u8;
                break;
            case DataType.Bool:
                destination[0] = reader.TokenType switch
                {
                    JsonTokenType.True => 1,
                    JsonTokenType.False => 0,
                    _ => throw BadElement(ref reader, expected, index, "true or false"),
                };
                break;
            default:
                throw new ProtocolException($"datatype {datatype} is not supported; supported: {DataTypes.SupportedList}");
        }
    }

    private static float ReadFloat(ref Utf8JsonReader reader, TensorSignature expected, long index)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetSingle(out var value) && float.IsFinite(value))
        {
            return value;
        }

        if (reader.TokenType == JsonTokenType.String && TryReadSpecial(ref reader, out var special))
        {
            return (float)special;
        }

        throw BadElement(ref reader, expected, index, "a number in the FP32 range (or \"NaN\", \"Infinity\", \"-Infinity\")");
    }

    private static double ReadDouble(ref Utf8JsonReader reader, TensorSignature expected, long index)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var value) && double.IsFinite(value))
        {
            return value;
        }

        if (reader.TokenType == JsonTokenType.String && TryReadSpecial(ref reader, out var special))
        {
            return special;
        }

        throw BadElement(ref reader, expected, index, "a number (or \"NaN\", \"Infinity\", \"-Infinity\")");
    }

    // JSON has no literal for NaN or infinities; like other inference servers we accept them as strings.
    private static bool TryReadSpecial(ref Utf8JsonReader reader, out double value)
    {
        if (reader.ValueTextEquals("NaN"u8))
        {
            value = double.NaN;
            return true;
        }

        if (reader.ValueTextEquals("Infinity"u8) || reader.ValueTextEquals("+Infinity"u8))
        {
            value = double.PositiveInfinity;
            return true;
        }

        if (reader.ValueTextEquals("-Infinity"u8))
        {
            value = double.NegativeInfinity;
            return true;
        }

        value = 0;
        return false;
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
                    RequireObject(ref reader, "a requested output's \"parameters\"");
                    SkipValue(ref reader);
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

            if (!request.AddRequestedOutput(index))
            {
                throw new ProtocolException($"output \"{request.Signature.Outputs[index].Name}\" is requested twice");
            }
        }
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

/// <summary>Fixed limits of the parser.</summary>
public static class InferenceRequestParserLimits
{
    /// <summary>Highest tensor rank accepted in a request.</summary>
    public const int MaxRank = 16;
}
