namespace ModelOperator.Runtime.Onnx;

/// <summary>Facts about <see cref="TensorElementType"/> values.</summary>
public static class TensorElementTypes
{
    /// <summary>The supported element types, in enum order.</summary>
    public static IReadOnlyList<TensorElementType> Supported { get; } =
        [TensorElementType.Float32, TensorElementType.UInt8, TensorElementType.Int32, TensorElementType.Int64, TensorElementType.Bool, TensorElementType.Float64];

    /// <summary>"float32, uint8, int32, int64, bool, float64": for error messages.</summary>
    public static string SupportedList { get; } = string.Join(", ", Supported.Select(Name));

    /// <summary>Size of one element in bytes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a supported element type.</exception>
    public static int SizeOf(TensorElementType t) => t switch
    {
        TensorElementType.Float32 => 4,
        TensorElementType.UInt8 => 1,
        TensorElementType.Int32 => 4,
        TensorElementType.Int64 => 8,
        TensorElementType.Bool => 1,
        TensorElementType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, $"{(int)t} is not a supported element type; supported: {SupportedList}."),
    };

    /// <summary>Lower-case name of a supported element type, e.g. "float32".</summary>
    public static string Name(TensorElementType t) => OnnxTypeName((int)t);

    /// <summary>True when <paramref name="onnxType"/> (an ONNX data type number) is one of the supported types.</summary>
    public static bool IsSupported(int onnxType) => onnxType is 1 or 2 or 6 or 7 or 9 or 11;

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
    /// (float, byte, int, long, bool, double).</summary>
    public static bool Matches<T>(TensorElementType t) where T : unmanaged => t switch
    {
        TensorElementType.Float32 => typeof(T) == typeof(float),
        TensorElementType.UInt8 => typeof(T) == typeof(byte),
        TensorElementType.Int32 => typeof(T) == typeof(int),
        TensorElementType.Int64 => typeof(T) == typeof(long),
        TensorElementType.Bool => typeof(T) == typeof(bool),
        TensorElementType.Float64 => typeof(T) == typeof(double),
        _ => false,
    };
}
