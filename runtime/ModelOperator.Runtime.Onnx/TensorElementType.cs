namespace ModelOperator.Runtime.Onnx;

/// <summary>
/// The tensor element types the binding supports. The values are ONNX's
/// <c>TensorProto.DataType</c> numbers, which ONNX Runtime uses unchanged.
/// </summary>
public enum TensorElementType
{
    Float32 = 1,
    UInt8 = 2,
    Int8 = 3,
    UInt16 = 4,
    Int16 = 5,
    Int32 = 6,
    Int64 = 7,

    /// <summary>ONNX string tensors: data is each element as a 4-byte little-endian length and its UTF-8 bytes.</summary>
    String = 8,
    Bool = 9,
    Float16 = 10,
    Float64 = 11,
    UInt32 = 12,
    UInt64 = 13,
    BFloat16 = 16,
}
