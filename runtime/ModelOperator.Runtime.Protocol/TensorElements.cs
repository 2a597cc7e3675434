using System.Buffers.Binary;
using System.Text.Json;

namespace ModelOperator.Runtime.Protocol;

/// <summary>
/// Conversions of tensor elements between JSON values, numbers and the little-endian layout a
/// request holds (the same bytes the binary extension and gRPC's raw contents carry). BYTES
/// elements are a 4-byte little-endian length and that many bytes each. One owner for every
/// protocol surface: the JSON parser and writer, the binary extension and gRPC call these.
/// </summary>
public static class TensorElements
{
    /// <summary>Bytes of the length that precedes each BYTES element.</summary>
    public const int BytesLengthPrefix = 4;

    /// <summary>
    /// Reads the JSON value under <paramref name="reader"/> as one element of a fixed-size
    /// <paramref name="type"/> into <paramref name="destination"/> (exactly its size). False when the value
    /// is of the wrong kind or out of the type's range (see <see cref="DataTypes.AllowedJson"/>).
    /// </summary>
    public static bool TryReadJson(ref Utf8JsonReader reader, DataType type, Span<byte> destination)
    {
        var number = reader.TokenType == JsonTokenType.Number;
        switch (type)
        {
            case DataType.FP32:
                if (number && reader.TryGetSingle(out var f32) && float.IsFinite(f32))
                {
                    BinaryPrimitives.WriteSingleLittleEndian(destination, f32);
                    return true;
                }

                if (TryReadSpecial(ref reader, out var s32))
                {
                    BinaryPrimitives.WriteSingleLittleEndian(destination, (float)s32);
                    return true;
                }

                return false;
            case DataType.FP64:
                if (number && reader.TryGetDouble(out var f64) && double.IsFinite(f64))
                {
                    BinaryPrimitives.WriteDoubleLittleEndian(destination, f64);
                    return true;
                }

                if (TryReadSpecial(ref reader, out var s64))
                {
                    BinaryPrimitives.WriteDoubleLittleEndian(destination, s64);
                    return true;
                }

                return false;
            case DataType.FP16:
            case DataType.BF16:
                if (!(number && reader.TryGetDouble(out var d) && double.IsFinite(d)) && !TryReadSpecial(ref reader, out d))
                {
                    return false;
                }

                var half = type == DataType.FP16 ? BitConverter.HalfToUInt16Bits((Half)d) : FloatToBFloat16((float)d);
                // A finite number that rounds to infinity is out of the type's range.
                if (double.IsFinite(d) && !double.IsFinite(ToDouble(type, half)))
                {
                    return false;
                }

                BinaryPrimitives.WriteUInt16LittleEndian(destination, half);
                return true;
            case DataType.Int32:
                if (number && reader.TryGetInt32(out var i32))
                {
                    BinaryPrimitives.WriteInt32LittleEndian(destination, i32);
                    return true;
                }

                return false;
            case DataType.Int64:
                if (number && reader.TryGetInt64(out var i64))
                {
                    BinaryPrimitives.WriteInt64LittleEndian(destination, i64);
                    return true;
                }

                return false;
            case DataType.UInt8:
                if (number && reader.TryGetByte(out var u8))
                {
                    destination[0] = u8;
                    return true;
                }

                return false;
            case DataType.Int8:
                if (number && reader.TryGetSByte(out var i8))
                {
                    destination[0] = unchecked((byte)i8);
                    return true;
                }

                return false;
            case DataType.Int16:
                if (number && reader.TryGetInt16(out var i16))
                {
                    BinaryPrimitives.WriteInt16LittleEndian(destination, i16);
                    return true;
                }

                return false;
            case DataType.UInt16:
                if (number && reader.TryGetUInt16(out var u16))
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(destination, u16);
                    return true;
                }

                return false;
            case DataType.UInt32:
                if (number && reader.TryGetUInt32(out var u32))
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(destination, u32);
                    return true;
                }

                return false;
            case DataType.UInt64:
                if (number && reader.TryGetUInt64(out var u64))
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(destination, u64);
                    return true;
                }

                return false;
            case DataType.Bool:
                if (reader.TokenType is JsonTokenType.True or JsonTokenType.False)
                {
                    destination[0] = reader.TokenType == JsonTokenType.True ? (byte)1 : (byte)0;
                    return true;
                }

                return false;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "not a fixed-size datatype");
        }
    }

    /// <summary>Writes the elements in <paramref name="data"/> as JSON values (the array itself is the caller's).</summary>
    public static void WriteJson(Utf8JsonWriter writer, DataType type, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (type)
        {
            case DataType.FP32:
                for (var i = 0; i + 4 <= data.Length; i += 4)
                {
                    WriteNumber(writer, BinaryPrimitives.ReadSingleLittleEndian(data[i..]));
                }

                break;
            case DataType.FP64:
                for (var i = 0; i + 8 <= data.Length; i += 8)
                {
                    WriteNumber(writer, BinaryPrimitives.ReadDoubleLittleEndian(data[i..]));
                }

                break;
            case DataType.FP16:
            case DataType.BF16:
                for (var i = 0; i + 2 <= data.Length; i += 2)
                {
                    // Through float: the shortest text that reads back as the same FP16/BF16 value.
                    WriteNumber(writer, (float)ToDouble(type, BinaryPrimitives.ReadUInt16LittleEndian(data[i..])));
                }

                break;
            case DataType.Int32:
                for (var i = 0; i + 4 <= data.Length; i += 4)
                {
                    writer.WriteNumberValue(BinaryPrimitives.ReadInt32LittleEndian(data[i..]));
                }

                break;
            case DataType.Int64:
                for (var i = 0; i + 8 <= data.Length; i += 8)
                {
                    writer.WriteNumberValue(BinaryPrimitives.ReadInt64LittleEndian(data[i..]));
                }

                break;
            case DataType.UInt32:
                for (var i = 0; i + 4 <= data.Length; i += 4)
                {
                    writer.WriteNumberValue(BinaryPrimitives.ReadUInt32LittleEndian(data[i..]));
                }

                break;
            case DataType.UInt64:
                for (var i = 0; i + 8 <= data.Length; i += 8)
                {
                    writer.WriteNumberValue(BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
                }

                break;
            case DataType.Int16:
                for (var i = 0; i + 2 <= data.Length; i += 2)
                {
                    writer.WriteNumberValue(BinaryPrimitives.ReadInt16LittleEndian(data[i..]));
                }

                break;
            case DataType.UInt16:
                for (var i = 0; i + 2 <= data.Length; i += 2)
                {
                    writer.WriteNumberValue(BinaryPrimitives.ReadUInt16LittleEndian(data[i..]));
                }

                break;
            case DataType.UInt8:
                foreach (var b in data)
                {
                    writer.WriteNumberValue(b);
                }

                break;
            case DataType.Int8:
                foreach (var b in data)
                {
                    writer.WriteNumberValue(unchecked((sbyte)b));
                }

                break;
            case DataType.Bool:
                foreach (var b in data)
                {
                    writer.WriteBooleanValue(b != 0);
                }

                break;
            case DataType.Bytes:
                for (var rest = data; rest.Length >= BytesLengthPrefix;)
                {
                    var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(rest);
                    // ONNX string tensors hold text; bytes that are not UTF-8 are shown as U+FFFD.
                    var element = rest.Slice(BytesLengthPrefix, length);
                    if (System.Text.Unicode.Utf8.IsValid(element))
                    {
                        writer.WriteStringValue(element);
                    }
                    else
                    {
                        writer.WriteStringValue(System.Text.Encoding.UTF8.GetString(element));
                    }

                    rest = rest[(BytesLengthPrefix + length)..];
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, null);
        }
    }

    /// <summary>Element <paramref name="index"/> of fixed-size <paramref name="data"/> as a double (drift profiles, tests).</summary>
    public static double ToDouble(DataType type, ReadOnlySpan<byte> data, int index)
    {
        var e = data[(index * DataTypes.SizeOf(type))..];
        return type switch
        {
            DataType.FP32 => BinaryPrimitives.ReadSingleLittleEndian(e),
            DataType.FP64 => BinaryPrimitives.ReadDoubleLittleEndian(e),
            DataType.FP16 or DataType.BF16 => ToDouble(type, BinaryPrimitives.ReadUInt16LittleEndian(e)),
            DataType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(e),
            DataType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(e),
            DataType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(e),
            DataType.UInt64 => BinaryPrimitives.ReadUInt64LittleEndian(e),
            DataType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(e),
            DataType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(e),
            DataType.Int8 => unchecked((sbyte)e[0]),
            DataType.UInt8 or DataType.Bool => e[0],
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a numeric datatype"),
        };
    }

    /// <summary>
    /// Writes <paramref name="value"/> as one element of fixed-size <paramref name="type"/> (drift
    /// profiling feeds reference rows this way). Integers must be whole and in range.
    /// </summary>
    /// <exception cref="OverflowException">The value does not fit the type.</exception>
    public static void FromDouble(DataType type, double value, Span<byte> destination)
    {
        switch (type)
        {
            case DataType.FP32: BinaryPrimitives.WriteSingleLittleEndian(destination, (float)value); break;
            case DataType.FP64: BinaryPrimitives.WriteDoubleLittleEndian(destination, value); break;
            case DataType.FP16: BinaryPrimitives.WriteUInt16LittleEndian(destination, BitConverter.HalfToUInt16Bits((Half)value)); break;
            case DataType.BF16: BinaryPrimitives.WriteUInt16LittleEndian(destination, FloatToBFloat16((float)value)); break;
            case DataType.Int32: BinaryPrimitives.WriteInt32LittleEndian(destination, checked((int)value)); break;
            case DataType.Int64: BinaryPrimitives.WriteInt64LittleEndian(destination, checked((long)value)); break;
            case DataType.UInt32: BinaryPrimitives.WriteUInt32LittleEndian(destination, checked((uint)value)); break;
            case DataType.UInt64: BinaryPrimitives.WriteUInt64LittleEndian(destination, checked((ulong)value)); break;
            case DataType.Int16: BinaryPrimitives.WriteInt16LittleEndian(destination, checked((short)value)); break;
            case DataType.UInt16: BinaryPrimitives.WriteUInt16LittleEndian(destination, checked((ushort)value)); break;
            case DataType.Int8: destination[0] = unchecked((byte)checked((sbyte)value)); break;
            case DataType.UInt8: destination[0] = checked((byte)value); break;
            case DataType.Bool: destination[0] = value != 0 ? (byte)1 : (byte)0; break;
            default: throw new ArgumentOutOfRangeException(nameof(type), type, "not a numeric datatype");
        }
    }

    /// <summary>An FP16 or BF16 element's bits as a double.</summary>
    public static double ToDouble(DataType type, ushort bits) => type == DataType.FP16
        ? (double)BitConverter.UInt16BitsToHalf(bits)
        : BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary>Rounds a float to the nearest BF16 (ties to even), keeping NaN a NaN.</summary>
    public static ushort FloatToBFloat16(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x0040);
        }

        bits += 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)(bits >> 16);
    }

    /// <summary>
    /// Checks that <paramref name="data"/> is exactly <paramref name="elements"/> length-prefixed BYTES
    /// elements; null when it is, otherwise what is wrong (for a message that names the tensor).
    /// </summary>
    public static string? CheckBytesLayout(ReadOnlySpan<byte> data, long elements)
    {
        var rest = data;
        for (long i = 0; i < elements; i++)
        {
            if (rest.Length < BytesLengthPrefix)
            {
                return $"BYTES element {i} has no 4-byte length prefix: only {rest.Length} byte(s) are left of {data.Length}; the data holds {i} of {elements} elements";
            }

            var length = BinaryPrimitives.ReadUInt32LittleEndian(rest);
            if (length > (uint)(rest.Length - BytesLengthPrefix))
            {
                return $"BYTES element {i} has a length prefix of {length} bytes but only {rest.Length - BytesLengthPrefix} byte(s) follow it";
            }

            rest = rest[(BytesLengthPrefix + (int)length)..];
        }

        return rest.IsEmpty ? null : $"the data holds {rest.Length} byte(s) more than its {elements} length-prefixed BYTES elements";
    }

    /// <summary>
    /// Bytes needed to hold <paramref name="elements"/> fixed-size elements of <paramref name="type"/>,
    /// or null on overflow beyond what one buffer may hold.
    /// </summary>
    public static int? FixedByteLength(DataType type, long elements)
    {
        var size = DataTypes.SizeOf(type);
        return elements <= Array.MaxLength / size ? (int)(elements * size) : null;
    }

    private static void WriteNumber(Utf8JsonWriter writer, float value)
    {
        // Non-finite values have no JSON literal; they go out as the same strings the parser accepts.
        if (float.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(float.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }

    // JSON has no literal for NaN or infinities; like other inference servers we accept them as strings.
    private static bool TryReadSpecial(ref Utf8JsonReader reader, out double value)
    {
        value = 0;
        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

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

        return false;
    }
}
