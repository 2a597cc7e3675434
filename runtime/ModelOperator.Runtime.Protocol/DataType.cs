namespace ModelOperator.Runtime.Protocol;

/// <summary>
/// The tensor datatypes this server accepts, named as the Open Inference Protocol names them.
/// New members go at the end: the values index tables (see <see cref="DataTypes"/>).
/// </summary>
public enum DataType
{
    Bool,
    UInt8,
    Int32,
    Int64,
    FP32,
    FP64,
    Int8,
    Int16,
    UInt16,
    UInt32,
    UInt64,
    FP16,
    BF16,

    /// <summary>Variable-length byte strings (ONNX string tensors), each element laid out as a
    /// 4-byte little-endian length followed by that many bytes, as the binary extension sends them.</summary>
    Bytes,
}

/// <summary>
/// The one table of datatype facts: the protocol's name, the ONNX element type it maps to, the
/// size of one element in the little-endian layout a request holds (and the binary extension and
/// gRPC's raw contents carry), and what a JSON value of the type may be. Element conversions live
/// beside it in <see cref="TensorElements"/>.
/// </summary>
public static class DataTypes
{
    private static readonly Info[] Table =
    [
        new(DataType.Bool, "BOOL", 9, 1, "true or false"),
        new(DataType.UInt8, "UINT8", 2, 1, "an integer from 0 to 255"),
        new(DataType.Int32, "INT32", 6, 4, "an integer from -2147483648 to 2147483647"),
        new(DataType.Int64, "INT64", 7, 8, "an integer from -9223372036854775808 to 9223372036854775807"),
        new(DataType.FP32, "FP32", 1, 4, "a number in the FP32 range (or \"NaN\", \"Infinity\", \"-Infinity\")"),
        new(DataType.FP64, "FP64", 11, 8, "a number (or \"NaN\", \"Infinity\", \"-Infinity\")"),
        new(DataType.Int8, "INT8", 3, 1, "an integer from -128 to 127"),
        new(DataType.Int16, "INT16", 5, 2, "an integer from -32768 to 32767"),
        new(DataType.UInt16, "UINT16", 4, 2, "an integer from 0 to 65535"),
        new(DataType.UInt32, "UINT32", 12, 4, "an integer from 0 to 4294967295"),
        new(DataType.UInt64, "UINT64", 13, 8, "an integer from 0 to 18446744073709551615"),
        new(DataType.FP16, "FP16", 10, 2, "a number from -65504 to 65504 (or \"NaN\", \"Infinity\", \"-Infinity\")"),
        new(DataType.BF16, "BF16", 16, 2, "a number in the BF16 range, about ±3.39e38 (or \"NaN\", \"Infinity\", \"-Infinity\")"),
        new(DataType.Bytes, "BYTES", 8, 0, "a string"),
    ];

    private static readonly byte[][] Utf8Names = Table.Select(t => System.Text.Encoding.UTF8.GetBytes(t.Name)).ToArray();

    /// <summary>The supported names, in the order error messages list them.</summary>
    public static readonly string SupportedList = string.Join(", ", Table.Select(t => t.Name));

    /// <summary>Every datatype, in enum order.</summary>
    public static IReadOnlyList<DataType> All { get; } = Table.Select(t => t.Type).ToArray();

    public static string Name(DataType type) => Get(type).Name;

    /// <summary>
    /// Size of one element in bytes, as the native runtime lays it out. BYTES has no fixed size
    /// (see <see cref="IsFixedSize"/>); asking for it is a programming error.
    /// </summary>
    public static int SizeOf(DataType type) =>
        Get(type).Size is var size and > 0 ? size : throw new ArgumentOutOfRangeException(nameof(type), type, "BYTES elements have no fixed size");

    /// <summary>False for BYTES, whose elements are length-prefixed strings.</summary>
    public static bool IsFixedSize(DataType type) => Get(type).Size > 0;

    /// <summary>The ONNX <c>TensorProto.DataType</c> number of the type (FP32 is 1, BYTES is 8 for string).</summary>
    public static int OnnxElementType(DataType type) => Get(type).Onnx;

    /// <summary>The datatype of an ONNX element type number, or null when the protocol has none for it.</summary>
    public static DataType? FromOnnxElementType(int onnxType)
    {
        foreach (var info in Table)
        {
            if (info.Onnx == onnxType)
            {
                return info.Type;
            }
        }

        return null;
    }

    /// <summary>What a JSON value of the type may be, for error messages ("an integer from 0 to 255").</summary>
    public static string AllowedJson(DataType type) => Get(type).Allowed;

    /// <summary>Parses a datatype name (UTF-8, case-sensitive as the protocol requires).</summary>
    /// <exception cref="ProtocolException">The name is unknown.</exception>
    public static DataType Parse(ReadOnlySpan<byte> utf8Name)
    {
        // FP32 first: it is what nearly every request sends.
        for (var i = 0; i < Utf8Names.Length; i++)
        {
            var k = i == 0 ? (int)DataType.FP32 : i == (int)DataType.FP32 ? 0 : i;
            if (utf8Name.SequenceEqual(Utf8Names[k]))
            {
                return Table[k].Type;
            }
        }

        var name = System.Text.Encoding.UTF8.GetString(utf8Name);
        throw new ProtocolException($"unknown datatype \"{Truncate(name)}\"; supported: {SupportedList}");
    }

    internal static string Truncate(string value) => value.Length <= 64 ? value : string.Concat(value.AsSpan(0, 64), "…");

    private static Info Get(DataType type) =>
        (uint)type < (uint)Table.Length ? Table[(int)type] : throw new ArgumentOutOfRangeException(nameof(type), type, null);

    private sealed record Info(DataType Type, string Name, int Onnx, int Size, string Allowed);
}
