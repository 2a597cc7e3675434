namespace ModelOperator.Runtime.Onnx;

/// <summary>Facts about <see cref="TensorElementType"/> values.</summary>
public static class TensorElementTypes
{
    /// <summary>Bytes of the length that precedes each element of a string tensor's data.</summary>
    public const int StringLengthPrefix = ModelOperator.Runtime.Protocol.TensorElements.BytesLengthPrefix;

    /// <summary>The supported element types, in enum order.</summary>
    public static IReadOnlyList<TensorElementType> Supported { get; } = Enum.GetValues<TensorElementType>();

    /// <summary>"float32, uint8, int8, ...": for error messages.</summary>
    public static string SupportedList { get; } = string.Join(", ", Supported.Select(Name));

    /// <summary>Size of one element in bytes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a supported fixed-size element type (string has no fixed size).</exception>
    public static int SizeOf(TensorElementType t) => t switch
    {
        TensorElementType.Float32 or TensorElementType.Int32 or TensorElementType.UInt32 => 4,
        TensorElementType.UInt8 or TensorElementType.Int8 or TensorElementType.Bool => 1,
        TensorElementType.Int64 or TensorElementType.Float64 or TensorElementType.UInt64 => 8,
        TensorElementType.UInt16 or TensorElementType.Int16 or TensorElementType.Float16 or TensorElementType.BFloat16 => 2,
        TensorElementType.String => throw new ArgumentOutOfRangeException(nameof(t), t, "string elements have no fixed size; see StringLengthPrefix."),
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, $"{(int)t} is not a supported element type; supported: {SupportedList}."),
    };

    /// <summary>False for string tensors, whose elements are length-prefixed.</summary>
    public static bool IsFixedSize(TensorElementType t) => t != TensorElementType.String;

    /// <summary>Bytes of data for a tensor of <paramref name="elements"/> zeros (empty strings for string).</summary>
    public static long ZeroedByteLength(TensorElementType t, long elements) =>
        elements * (IsFixedSize(t) ? SizeOf(t) : StringLengthPrefix);

    /// <summary>Lower-case name of a supported element type, e.g. "float32".</summary>
    public static string Name(TensorElementType t) => OnnxTypeName((int)t);

    /// <summary>True when <paramref name="onnxType"/> (an ONNX data type number) is one of the supported types.</summary>
    public static bool IsSupported(int onnxType) => Enum.IsDefined((TensorElementType)onnxType);

    /// <summary>Lower-case name of any ONNX tensor data type number, supported or not.</summary>
    public static string OnnxTypeName(int onnxType) => onnxType switch
    {
        0 => "undefined",
        1 => "float32",
        2 => "uint8",
        3 => "int8",
        4 => "uint16",
        5 => "int16",
        6 => "int32",
        7 => "int64",
        8 => "string",
        9 => "bool",
        10 => "float16",
        11 => "float64",
        12 => "uint32",
        13 => "uint64",
        14 => "complex64",
        15 => "complex128",
        16 => "bfloat16",
        17 => "float8e4m3fn",
        18 => "float8e4m3fnuz",
        19 => "float8e5m2",
        20 => "float8e5m2fnuz",
        21 => "uint4",
        22 => "int4",
        23 => "float4e2m1",
        _ => $"type {onnxType}",
    };

    /// <summary>True when <typeparamref name="T"/> is the CLR type of <paramref name="t"/>
    /// (float, byte, sbyte, ushort, short, int, long, bool, Half, double, uint, ulong; bfloat16 as its
    /// ushort bits). String tensors have no such type: read their <see cref="RunResult.Bytes"/>.</summary>
    public static bool Matches<T>(TensorElementType t) where T : unmanaged => t switch
    {
        TensorElementType.Float32 => typeof(T) == typeof(float),
        TensorElementType.UInt8 => typeof(T) == typeof(byte),
        TensorElementType.Int8 => typeof(T) == typeof(sbyte),
        TensorElementType.UInt16 or TensorElementType.BFloat16 => typeof(T) == typeof(ushort),
        TensorElementType.Int16 => typeof(T) == typeof(short),
        TensorElementType.Int32 => typeof(T) == typeof(int),
        TensorElementType.Int64 => typeof(T) == typeof(long),
        TensorElementType.Bool => typeof(T) == typeof(bool),
        TensorElementType.Float16 => typeof(T) == typeof(Half),
        TensorElementType.Float64 => typeof(T) == typeof(double),
        TensorElementType.UInt32 => typeof(T) == typeof(uint),
        TensorElementType.UInt64 => typeof(T) == typeof(ulong),
        _ => false,
    };

    /// <summary>The C# name of the CLR type <see cref="Matches{T}"/> accepts, for error messages.</summary>
    internal static string ClrName(TensorElementType t) => t switch
    {
        TensorElementType.Float32 => "float",
        TensorElementType.UInt8 => "byte",
        TensorElementType.Int8 => "sbyte",
        TensorElementType.UInt16 or TensorElementType.BFloat16 => "ushort",
        TensorElementType.Int16 => "short",
        TensorElementType.Int32 => "int",
        TensorElementType.Int64 => "long",
        TensorElementType.Bool => "bool",
        TensorElementType.Float16 => "Half",
        TensorElementType.Float64 => "double",
        TensorElementType.UInt32 => "uint",
        TensorElementType.UInt64 => "ulong",
        _ => t.ToString(),
    };
}
