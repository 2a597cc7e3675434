using System.Runtime.InteropServices;

namespace ModelOperator.Runtime.Onnx.Tests;

/// <summary>Helpers that build <see cref="InputTensor"/>s from typed arrays.</summary>
internal static class Tensors
{
    public static InputTensor Of<T>(int inputIndex, TensorElementType type, long[] shape, T[] data)
        where T : unmanaged =>
        new(inputIndex, type, shape, MemoryMarshal.AsBytes(data.AsSpan()).ToArray());

    public static InputTensor Float(int inputIndex, long[] shape, float[] data) => Of(inputIndex, TensorElementType.Float32, shape, data);
}
