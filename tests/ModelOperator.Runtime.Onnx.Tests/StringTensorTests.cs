using System.Text;

namespace ModelOperator.Runtime.Onnx.Tests;

/// <summary>
/// String (BYTES) tensors through the binding, on the strings example model
/// (colour_id = index of colour in [red, green, blue] or -1, colour_out = colour, count_out = count).
/// </summary>
[Collection(OnnxRuntimeCollection.Name)]
public sealed class StringTensorTests(OnnxRuntimeFixture ort)
{
    private static byte[] Strings(params string[] values) =>
        [.. values.SelectMany(v => BitConverter.GetBytes(Encoding.UTF8.GetByteCount(v)).Concat(Encoding.UTF8.GetBytes(v)))];

    [Fact]
    public void Strings_go_in_and_come_back_length_prefixed_and_the_lookup_is_onnx_runtimes()
    {
        using var session = InferenceSession.Load(ort.Environment, OnnxRuntimeFixture.ExampleModel("strings", 1));
        Assert.Equal(TensorElementType.String, session.Inputs[0].ElementType);
        var colours = Strings("blue", "grün", "", "red");

        // Twice, so that the second run goes through the state the first one left.
        for (var run = 0; run < 2; run++)
        {
            using var result = session.Run(
            [
                new InputTensor(0, TensorElementType.String, new long[] { 2, 2 }, colours),
                new InputTensor(1, TensorElementType.Int64, new long[] { 2 }, BitConverter.GetBytes(7L).Concat(BitConverter.GetBytes(8L)).ToArray()),
            ]);

            Assert.Equal([2L, -1, -1, 0], result.Data<long>(0).ToArray());
            Assert.Equal(TensorElementType.String, result.ElementType(1));
            Assert.Equal(colours, result.Bytes(1).ToArray());
            Assert.Equal([2L, 2], result.Shape(1).ToArray());
        }
    }

    [Fact]
    public void String_data_that_is_not_its_length_prefixed_elements_is_refused_before_onnx_runtime()
    {
        using var session = InferenceSession.Load(ort.Environment, OnnxRuntimeFixture.ExampleModel("strings", 1));
        byte[] count = [.. BitConverter.GetBytes(7L), .. BitConverter.GetBytes(8L)];

        var e = Assert.Throws<ArgumentException>(() => session.Run(
        [
            new InputTensor(0, TensorElementType.String, new long[] { 2, 2 }, Strings("a", "b", "c")),
            new InputTensor(1, TensorElementType.Int64, new long[] { 2 }, count),
        ]));

        Assert.Contains("Input 'colour' with shape [2, 2] of string: BYTES element 3 has no 4-byte length prefix", e.Message, StringComparison.Ordinal);
    }
}
