namespace ModelOperator.Runtime.Onnx;

/// <summary>
/// The tensor element types the binding supports. The values are ONNX's
/// <c>TensorProto.DataType</c> numbers, which ONNX Runtime uses unchanged.
/// </summary>
public enum TensorElementType
{
    Float32 = 1,
    UInt8 = 2,
    Int32 = 6,
    Int64 = 7,
    Bool = 9,
    Float64 = 11,
}
