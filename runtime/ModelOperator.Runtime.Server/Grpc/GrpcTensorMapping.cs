using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Google.Protobuf;
using ModelOperator.Runtime.Protocol;
using ModelOperator.Runtime.Server.Grpc.Protocol;
using ModelOperator.Runtime.Server.Inference;
using ModelOperator.Runtime.Server.Models;

namespace ModelOperator.Runtime.Server.Grpc;

/// <summary>
/// The one translation between gRPC's tensors and the protocol model the REST path uses: a <see cref="ModelInferRequest"/>
/// (typed <see cref="InferTensorContents"/> or <c>raw_input_contents</c>) into an <see cref="InferenceRequest"/>, and a
/// run's outputs into a <see cref="ModelInferResponse"/>. What differs per datatype is one row of <see cref="Rows"/>:
/// which typed field carries it and how its values become little-endian element bytes and back. A datatype the server
/// learns is a row here. BYTES elements are held as the request holds them from every protocol, a 4-byte little-endian
/// length and that many bytes each: exactly KServe's and Triton's raw form, so raw BYTES are copied and checked, and
/// <c>bytes_contents</c> gains or loses the prefixes. Validation reuses the JSON parser's checks and messages, so both
/// protocols refuse alike.
/// </summary>
internal static class GrpcTensorMapping
{
    /// <summary>How one datatype travels in <see cref="InferTensorContents"/>.</summary>
    private sealed record Row(
        string Field,
        Func<InferTensorContents, int> Count,
        Action<InferTensorContents, TensorSignature, Span<byte>> Read,
        Action<ReadOnlySpan<byte>, InferTensorContents> Write,
        Action<ReadOnlySpan<byte>, TensorSignature>? CheckRaw = null,
        Func<InferTensorContents, int>? VariableByteLength = null);

    // Every typed field, for telling a caller which one it filled when it used the wrong one.
    private static readonly (string Field, Func<InferTensorContents, int> Count)[] Fields =
    [
        ("bool_contents", c => c.BoolContents.Count),
        ("int_contents", c => c.IntContents.Count),
        ("int64_contents", c => c.Int64Contents.Count),
        ("uint_contents", c => c.UintContents.Count),
        ("uint64_contents", c => c.Uint64Contents.Count),
        ("fp32_contents", c => c.Fp32Contents.Count),
        ("fp64_contents", c => c.Fp64Contents.Count),
        ("bytes_contents", c => c.BytesContents.Count),
    ];

    private static readonly Dictionary<DataType, Row> Rows = new()
    {
        [DataType.Bool] = new(
            "bool_contents",
            c => c.BoolContents.Count,
            (c, _, d) => Fill(c.BoolContents, d, static (v, s) => s[0] = v ? (byte)1 : (byte)0),
            (b, c) => AddAll(c.BoolContents, b, static v => v != 0),
            CheckBoolBytes),
        [DataType.UInt8] = new(
            "uint_contents",
            c => c.UintContents.Count,
            ReadUInt8,
            (b, c) => AddAll(c.UintContents, b, static v => (uint)v)),
        [DataType.UInt16] = UIntRow(DataType.UInt16, ushort.MaxValue, 2),
        [DataType.UInt32] = UIntRow(DataType.UInt32, uint.MaxValue, 4),
        [DataType.Int8] = IntRow(DataType.Int8, sbyte.MinValue, sbyte.MaxValue, 1),
        [DataType.Int16] = IntRow(DataType.Int16, short.MinValue, short.MaxValue, 2),
        [DataType.UInt64] = new(
            "uint64_contents",
            c => c.Uint64Contents.Count,
            (c, _, d) => Fill(c.Uint64Contents, d, static (v, s) => BinaryPrimitives.WriteUInt64LittleEndian(s, v)),
            (b, c) => AddAll(c.Uint64Contents, MemoryMarshal.Cast<byte, ulong>(b))),
        [DataType.Int32] = new(
            "int_contents",
            c => c.IntContents.Count,
            (c, _, d) => Fill(c.IntContents, d, static (v, s) => BinaryPrimitives.WriteInt32LittleEndian(s, v)),
            (b, c) => AddAll(c.IntContents, MemoryMarshal.Cast<byte, int>(b))),
        [DataType.Int64] = new(
            "int64_contents",
            c => c.Int64Contents.Count,
            (c, _, d) => Fill(c.Int64Contents, d, static (v, s) => BinaryPrimitives.WriteInt64LittleEndian(s, v)),
            (b, c) => AddAll(c.Int64Contents, MemoryMarshal.Cast<byte, long>(b))),
        [DataType.FP32] = new(
            "fp32_contents",
            c => c.Fp32Contents.Count,
            (c, _, d) => Fill(c.Fp32Contents, d, static (v, s) => BinaryPrimitives.WriteSingleLittleEndian(s, v)),
            (b, c) => AddAll(c.Fp32Contents, MemoryMarshal.Cast<byte, float>(b))),
        [DataType.FP64] = new(
            "fp64_contents",
            c => c.Fp64Contents.Count,
            (c, _, d) => Fill(c.Fp64Contents, d, static (v, s) => BinaryPrimitives.WriteDoubleLittleEndian(s, v)),
            (b, c) => AddAll(c.Fp64Contents, MemoryMarshal.Cast<byte, double>(b))),
        [DataType.Bytes] = new(
            "bytes_contents",
            c => c.BytesContents.Count,
            ReadBytesContents,
            WriteBytesContents,
            VariableByteLength: BytesContentsLength),
    };

    /// <summary>The typed field that carries <paramref name="type"/>, for messages and documentation.</summary>
    public static string FieldOf(DataType type) => Rows.TryGetValue(type, out var row) ? row.Field : "raw_input_contents";

    /// <summary>
    /// Fills <paramref name="request"/> (rented, empty) from <paramref name="message"/> of <paramref name="messageSize"/> bytes.
    /// </summary>
    /// <exception cref="ProtocolException">The request does not fit the model; the message says what is wrong.</exception>
    public static void Read(ModelInferRequest message, long messageSize, InferenceRequest request)
    {
        var signature = request.Signature;
        var raw = message.RawInputContents;
        if (message.Inputs.Count == 0)
        {
            throw new ProtocolException("the request has no inputs; the model expects inputs: " + signature.InputNames);
        }

        if (raw.Count > 0 && raw.Count != message.Inputs.Count)
        {
            throw new ProtocolException(
                $"raw_input_contents has {raw.Count} entries but the request has {message.Inputs.Count} inputs; give one entry per input, in the order of inputs, or none");
        }

        Span<long> shape = stackalloc long[InferenceRequestParserLimits.MaxRank];
        Span<byte> name = stackalloc byte[NameBytes];
        for (var i = 0; i < message.Inputs.Count; i++)
        {
            var tensor = message.Inputs[i];
            var index = signature.FindInput(Utf8(tensor.Name, name));
            if (index < 0)
            {
                throw InferenceRequestParser.UnknownInput(tensor.Name, signature);
            }

            var expected = signature.Inputs[index];
            var slot = request.Inputs[index];
            if (slot.Present)
            {
                throw new ProtocolException($"input \"{expected.Name}\" is given twice");
            }

            if (tensor.Datatype.Length == 0)
            {
                throw new ProtocolException($"input \"{expected.Name}\" has no datatype; the model expects {DataTypes.Name(expected.DataType)}");
            }

            var datatype = DataTypes.Parse(Utf8(tensor.Datatype, name));
            if (datatype != expected.DataType)
            {
                throw InferenceRequestParser.WrongDatatype(expected, datatype);
            }

            if (tensor.Shape.Count > shape.Length)
            {
                throw new ProtocolException($"shape has more than {shape.Length} dimensions");
            }

            for (var d = 0; d < tensor.Shape.Count; d++)
            {
                if (tensor.Shape[d] < 0)
                {
                    throw new ProtocolException($"input \"{expected.Name}\": shape[{d}] is {tensor.Shape[d]}; dimensions must be >= 0");
                }

                shape[d] = tensor.Shape[d];
            }

            var rank = tensor.Shape.Count;
            var elements = InferenceRequestParser.ValidateShape(expected, shape[..rank], messageSize);
            if (!Rows.TryGetValue(datatype, out var row) && raw.Count == 0)
            {
                // The protocol has no typed field for half floats: Triton and KServe carry them as raw bytes only.
                throw new ProtocolException(
                    $"input \"{expected.Name}\" is {DataTypes.Name(datatype)}, which has no typed contents field in the protocol; send it in raw_input_contents (little-endian, {DataTypes.SizeOf(datatype)} bytes an element)");
            }

            var fixedSize = DataTypes.IsFixedSize(datatype);
            var byteLength = fixedSize ? checked((int)(elements * DataTypes.SizeOf(datatype))) : -1;
            if (raw.Count > 0)
            {
                if (tensor.Contents is { } both && Filled(both) is { } filled)
                {
                    throw new ProtocolException(
                        $"input \"{expected.Name}\" has values in contents.{filled} and the request has raw_input_contents too; send each input's data one way only");
                }

                var bytes = raw[i];
                if (fixedSize && bytes.Length != byteLength)
                {
                    throw new ProtocolException(
                        $"raw_input_contents[{i}] for input \"{expected.Name}\" has {bytes.Length} bytes but shape {InferenceRequestParser.Format(shape[..rank])} of {DataTypes.Name(datatype)} needs {byteLength}");
                }

                if (!fixedSize)
                {
                    InferenceRequestParser.RequireBytesLayout(expected, shape[..rank], bytes.Span, elements);
                }

                row?.CheckRaw?.Invoke(bytes.Span, expected);
                Prepare(slot, shape[..rank], datatype, elements);
                bytes.Span.CopyTo(slot.Allocate(bytes.Length));
            }
            else
            {
                var contents = tensor.Contents;
                var typed = row!; // typed contents without a row were refused above
                var count = contents is null ? 0 : typed.Count(contents);
                if (contents is not null && Fields.FirstOrDefault(f => f.Field != typed.Field && f.Count(contents) > 0) is { Field: { } wrong })
                {
                    throw new ProtocolException(
                        $"input \"{expected.Name}\" has datatype {DataTypes.Name(datatype)}, whose values go in contents.{typed.Field}, but contents.{wrong} has values");
                }

                if (count != elements)
                {
                    throw new ProtocolException(
                        $"input \"{expected.Name}\" has {count} values in contents.{typed.Field} but shape {InferenceRequestParser.Format(shape[..rank])} needs {elements}");
                }

                Prepare(slot, shape[..rank], datatype, elements);
                var destination = slot.Allocate(contents is not null && typed.VariableByteLength is { } variable ? variable(contents) : Math.Max(byteLength, 0));
                if (contents is not null)
                {
                    typed.Read(contents, expected, destination);
                }
            }

            slot.Present = true;
        }

        InferenceRequestParser.RequireComplete(request);
        foreach (var output in message.Outputs)
        {
            var index = signature.FindOutput(Utf8(output.Name, name));
            if (index < 0)
            {
                throw InferenceRequestParser.UnknownOutput(output.Name, signature);
            }

            if (!request.AddRequestedOutput(index))
            {
                throw new ProtocolException($"output \"{signature.Outputs[index].Name}\" is requested twice");
            }
        }
    }

    /// <summary>
    /// Adds one run's outputs to <paramref name="response"/>, in the order the request asked for (all, in model order,
    /// when it named none): raw bytes when the request sent raw inputs, typed contents otherwise.
    /// </summary>
    public static void Write(LoadedModel model, InferenceRequest request, OutputView view, ModelInferResponse response, bool raw)
    {
        Span<long> shape = stackalloc long[InferenceRequestParserLimits.MaxRank];
        var requested = request.RequestedOutputs;
        var count = requested.IsEmpty ? view.Count : requested.Length;

        // An output without a typed field (FP16, BF16) can only travel raw, and a response is raw for all or none.
        for (var k = 0; k < count && !raw; k++)
        {
            var i = requested.IsEmpty ? k : ModelRunner.Find(view, requested[k]);
            raw = !Rows.ContainsKey(LoadedModel.ToDataType(view.ElementType(i)));
        }

        for (var k = 0; k < count; k++)
        {
            var i = requested.IsEmpty ? k : ModelRunner.Find(view, requested[k]);
            var datatype = LoadedModel.ToDataType(view.ElementType(i));
            var rank = view.CopyShape(i, shape);
            var tensor = new ModelInferResponse.Types.InferOutputTensor
            {
                Name = model.Signature.Outputs[view.OutputIndex(i)].Name,
                Datatype = DataTypes.Name(datatype),
            };
            AddAll(tensor.Shape, shape[..rank]);
            var bytes = view.Bytes(i);
            if (raw)
            {
                response.RawOutputContents.Add(ByteString.CopyFrom(bytes));
            }
            else
            {
                tensor.Contents = new InferTensorContents();
                Rows[datatype].Write(bytes, tensor.Contents);
            }

            response.Outputs.Add(tensor);
        }
    }

    /// <summary>A typed output's contents as little-endian element bytes, exactly <paramref name="destination"/> long (the shadow mirror compares them).</summary>
    public static void ReadContents(InferTensorContents contents, TensorSignature output, Span<byte> destination) =>
        Rows[output.DataType].Read(contents, output, destination);

    // Names and datatypes are looked up as UTF-8 in a stack buffer of this size; only a longer one (in practice a bad
    // request's) is encoded into a new array.
    private const int NameBytes = 256;

    private static ReadOnlySpan<byte> Utf8(string text, Span<byte> buffer)
    {
        if (System.Text.Encoding.UTF8.GetMaxByteCount(text.Length) <= buffer.Length || System.Text.Encoding.UTF8.GetByteCount(text) <= buffer.Length)
        {
            return buffer[..System.Text.Encoding.UTF8.GetBytes(text, buffer)];
        }

        return System.Text.Encoding.UTF8.GetBytes(text);
    }

    // Sized once, filled in place: a response's repeated fields without an intermediate array or enumerator.
    private static void AddAll<T>(Google.Protobuf.Collections.RepeatedField<T> field, ReadOnlySpan<T> values)
    {
        field.Capacity = field.Count + values.Length;
        foreach (var v in values)
        {
            field.Add(v);
        }
    }

    private static void AddAll<T>(Google.Protobuf.Collections.RepeatedField<T> field, ReadOnlySpan<byte> values, Func<byte, T> convert)
    {
        field.Capacity = field.Count + values.Length;
        foreach (var v in values)
        {
            field.Add(convert(v));
        }
    }

    private static void Prepare(InferenceRequest.InputSlot slot, ReadOnlySpan<long> shape, DataType datatype, long elements)
    {
        shape.CopyTo(slot.Shape);
        slot.DataType = datatype;
        slot.ElementCount = elements;
    }

    private static string? Filled(InferTensorContents contents) =>
        Fields.FirstOrDefault(f => f.Count(contents) > 0).Field;

    private static void Fill<T>(Google.Protobuf.Collections.RepeatedField<T> values, Span<byte> destination, WriteElement<T> write)
    {
        var size = values.Count == 0 ? 0 : destination.Length / values.Count;
        for (var i = 0; i < values.Count; i++)
        {
            write(values[i], destination.Slice(i * size, size));
        }
    }

    private delegate void WriteElement<in T>(T value, Span<byte> destination);

    // int_contents carries INT8 and INT16 as 32-bit values: each is checked against the narrower type's range.
    private static Row IntRow(DataType type, int min, int max, int size) => new(
        "int_contents",
        c => c.IntContents.Count,
        (c, expected, d) =>
        {
            var values = c.IntContents;
            for (var i = 0; i < values.Count; i++)
            {
                var v = values[i];
                if (v < min || v > max)
                {
                    throw new ProtocolException(
                        $"input \"{expected.Name}\": element {i} is {v}, which is not a {DataTypes.Name(type)}; allowed: integers from {min} to {max}");
                }

                if (size == 1)
                {
                    d[i] = (byte)(sbyte)v;
                }
                else
                {
                    BinaryPrimitives.WriteInt16LittleEndian(d[(i * 2)..], (short)v);
                }
            }
        },
        (b, c) =>
        {
            for (var i = 0; i < b.Length / size; i++)
            {
                c.IntContents.Add(size == 1 ? (sbyte)b[i] : BinaryPrimitives.ReadInt16LittleEndian(b[(i * 2)..]));
            }
        });

    // uint_contents carries UINT16 and UINT32 as 32-bit values.
    private static Row UIntRow(DataType type, uint max, int size) => new(
        "uint_contents",
        c => c.UintContents.Count,
        (c, expected, d) =>
        {
            var values = c.UintContents;
            for (var i = 0; i < values.Count; i++)
            {
                var v = values[i];
                if (v > max)
                {
                    throw new ProtocolException(
                        $"input \"{expected.Name}\": element {i} is {v}, which is not a {DataTypes.Name(type)}; allowed: integers from 0 to {max}");
                }

                if (size == 2)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(d[(i * 2)..], (ushort)v);
                }
                else
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(d[(i * 4)..], v);
                }
            }
        },
        (b, c) =>
        {
            for (var i = 0; i < b.Length / size; i++)
            {
                c.UintContents.Add(size == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(b[(i * 2)..]) : BinaryPrimitives.ReadUInt32LittleEndian(b[(i * 4)..]));
            }
        });

    // uint_contents carries UINT8 as 32-bit values: anything past 255 is not a UINT8.
    private static void ReadUInt8(InferTensorContents contents, TensorSignature expected, Span<byte> destination)
    {
        var values = contents.UintContents;
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] > byte.MaxValue)
            {
                throw new ProtocolException(
                    $"input \"{expected.Name}\": element {i} is {values[i]}, which is not a UINT8; allowed: integers from 0 to 255");
            }

            destination[i] = (byte)values[i];
        }
    }

    // bytes_contents holds one ByteString an element; the request holds each behind its 4-byte length.
    private static int BytesContentsLength(InferTensorContents contents)
    {
        var length = 0L;
        foreach (var element in contents.BytesContents)
        {
            length += TensorElements.BytesLengthPrefix + element.Length;
        }

        // The message that carried them was under the request limits, so this fits unless the prefixes overflow it.
        return length <= Array.MaxLength
            ? (int)length
            : throw new ProtocolException($"bytes_contents takes {length} bytes with its length prefixes, more than one tensor may hold");
    }

    private static void ReadBytesContents(InferTensorContents contents, TensorSignature expected, Span<byte> destination)
    {
        var at = 0;
        foreach (var element in contents.BytesContents)
        {
            BinaryPrimitives.WriteInt32LittleEndian(destination[at..], element.Length);
            element.Span.CopyTo(destination[(at + TensorElements.BytesLengthPrefix)..]);
            at += TensorElements.BytesLengthPrefix + element.Length;
        }
    }

    private static void WriteBytesContents(ReadOnlySpan<byte> data, InferTensorContents contents)
    {
        for (var rest = data; rest.Length >= TensorElements.BytesLengthPrefix;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(rest);
            contents.BytesContents.Add(ByteString.CopyFrom(rest.Slice(TensorElements.BytesLengthPrefix, length)));
            rest = rest[(TensorElements.BytesLengthPrefix + length)..];
        }
    }

    // ONNX Runtime reads BOOL as one byte that must be 0 or 1; JSON can only say true or false, so raw bytes are held to the same.
    private static void CheckBoolBytes(ReadOnlySpan<byte> bytes, TensorSignature expected)
    {
        var bad = bytes.IndexOfAnyExcept((byte)0, (byte)1);
        if (bad >= 0)
        {
            throw new ProtocolException(
                $"input \"{expected.Name}\": raw element {bad} is {bytes[bad]}, which is not a BOOL; allowed: bytes 0 (false) and 1 (true)");
        }
    }
}
