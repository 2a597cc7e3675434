namespace ModelOperator.Runtime.Onnx;

/// <summary>
/// One input for <see cref="InferenceSession.Run"/>: which model input it feeds (by index into
/// <see cref="InferenceSession.Inputs"/>), its element type, shape and raw little-endian data
/// (product(shape) * element size bytes). The data is pinned, not copied, for the duration of the run.
/// </summary>
public readonly record struct InputTensor(int InputIndex, TensorElementType ElementType, ReadOnlyMemory<long> Shape, ReadOnlyMemory<byte> Data);
