namespace ModelOperator.Runtime.Protocol;

/// <summary>The tensor datatypes this server accepts, named as the Open Inference Protocol names them.</summary>
public enum DataType
{
    Bool,
    UInt8,
    Int32,
    Int64,
    FP32,
    FP64,
}

/// <summary>Names, sizes and parsing of <see cref="DataType"/>.</summary>
public static class DataTypes
{
    /// <summary>The supported names, in the order error messages list them.</summary>
    public const string SupportedList = "BOOL, UINT8, INT32, INT64, FP32, FP64";

    // Names the protocol defines that this server does not serve: they get "unsupported"
    // rather than "unknown", so that the caller knows the name itself was right.
    private static readonly string[] KnownUnsupported =
        ["INT8", "INT16", "UINT16", "UINT32", "UINT64", "FP16", "BF16", "BYTES"];

    public static string Name(DataType type) => type switch
    {
        DataType.Bool => "BOOL",
        DataType.UInt8 => "UINT8",
        DataType.Int32 => "INT32",
        DataType.Int64 => "INT64",
        DataType.FP32 => "FP32",
        DataType.FP64 => "FP64",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>Size of one element in bytes, as the native runtime lays it out.</summary>
    public static int SizeOf(DataType type) => type switch
    {
        DataType.Bool or DataType.UInt8 => 1,
        DataType.Int32 or DataType.FP32 => 4,
        DataType.Int64 or DataType.FP64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>Parses a datatype name (UTF-8, case-sensitive as the protocol requires).</summary>
    /// <exception cref="ProtocolException">The name is unknown or not supported.</exception>
    public static DataType Parse(ReadOnlySpan<byte> utf8Name)
    {
        if (utf8Name.SequenceEqual("FP32"u8))
        {
            return DataType.FP32;
        }

        if (utf8Name.SequenceEqual("INT64"u8))
        {
            return DataType.Int64;
        }

        if (utf8Name.SequenceEqual("FP64"u8))
        {
            return DataType.FP64;
        }

        if (utf8Name.SequenceEqual("INT32"u8))
        {
            return DataType.Int32;
        }

        if (utf8Name.SequenceEqual("UINT8"u8))
        {
            return DataType.UInt8;
        }

        if (utf8Name.SequenceEqual("BOOL"u8))
        {
            return DataType.Bool;
        }

        var name = System.Text.Encoding.UTF8.GetString(utf8Name);
        if (Array.IndexOf(KnownUnsupported, name) >= 0)
        {
            throw new ProtocolException($"datatype {name} is not supported by this server; supported: {SupportedList}");
        }

        throw new ProtocolException($"unknown datatype \"{Truncate(name)}\"; supported: {SupportedList}");
    }

    internal static string Truncate(string value) => value.Length <= 64 ? value : string.Concat(value.AsSpan(0, 64), "…");
}
