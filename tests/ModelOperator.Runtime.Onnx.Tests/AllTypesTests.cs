namespace ModelOperator.Runtime.Onnx.Tests;

/// <summary>
/// Models/all_types.onnx: y_f32 = 2x, y_u8 = x, y_i32 = x + 1, y_i64 = 3x, y_bool = !x,
/// y_f64 = x / 2, i32_as_f64 = (double)x_i32 (see Models/README.md).
/// </summary>
[Collection(OnnxRuntimeCollection.Name)]
public sealed class AllTypesTests(OnnxRuntimeFixture ort)
{
    [Fact]
    public void Metadata_reports_every_supported_element_type()
    {
        using var session = InferenceSession.Load(ort.Environment, OnnxRuntimeFixture.TestModel("all_types.onnx"));

        Assert.Equal(
            ["x_f32", "x_u8", "x_i32", "x_i64", "x_bool", "x_f64"],
            session.Inputs.Select(i => i.Name));
        Assert.Equal(
            [TensorElementType.Float32, TensorElementType.UInt8, TensorElementType.Int32, TensorElementType.Int64, TensorElementType.Bool, TensorElementType.Float64],
            session.Inputs.Select(i => i.ElementType));
        Assert.Equal([2L, 3L], session.Inputs[1].Shape);
        Assert.Equal([-1L], session.Inputs[3].Shape);
        Assert.Equal(7, session.Outputs.Count);
        Assert.Equal(TensorElementType.Float64, session.Outputs[6].ElementType);
    }

    [Fact]
    public void Every_supported_element_type_goes_through_and_comes_back()
    {
        using var session = InferenceSession.Load(ort.Environment, OnnxRuntimeFixture.TestModel("all_types.onnx"));
        float[] f32 = [1.5f, -2f, 0.25f, 3f, 4f, -5f];
        byte[] u8 = [0, 1, 127, 128, 254, 255];
        int[] i32 = [int.MinValue + 1, -1, 0, 1, 41, int.MaxValue - 1];
        long[] i64 = [-7, 1L << 40];
        bool[] flags = [true, false, false, true];
        double[] f64 = [1e300, -3.0, 0.1, 2.5, -0.0, 7.0];

        // Inputs deliberately out of model order: they are matched by index.
        using var result = session.Run(
        [
            Tensors.Of(5, TensorElementType.Float64, [2, 3], f64),
            Tensors.Of(4, TensorElementType.Bool, [2, 2], flags),
            Tensors.Of(3, TensorElementType.Int64, [2], i64),
            Tensors.Of(2, TensorElementType.Int32, [2, 3], i32),
            Tensors.Of(1, TensorElementType.UInt8, [2, 3], u8),
            Tensors.Of(0, TensorElementType.Float32, [2, 3], f32),
        ]);

        Assert.Equal(7, result.Count);
        Assert.Equal(f32.Select(x => 2 * x), result.Data<float>(0).ToArray());
        Assert.Equal(u8, result.Data<byte>(1).ToArray());
        Assert.Equal(i32.Select(x => x + 1), result.Data<int>(2).ToArray());
        Assert.Equal(i64.Select(x => 3 * x), result.Data<long>(3).ToArray());
        Assert.Equal(flags.Select(x => !x), result.Data<bool>(4).ToArray());
        Assert.Equal(f64.Select(x => x / 2), result.Data<double>(5).ToArray());
        Assert.Equal(i32.Select(x => (double)x), result.Data<double>(6).ToArray());
        for (var i = 0; i < result.Count; i++)
        {
            Assert.Equal(i, result.OutputIndex(i));
            Assert.Equal(session.Outputs[i].ElementType, result.ElementType(i));
        }

        Assert.Equal([2L, 3L], result.Shape(0).ToArray());
        Assert.Equal([2L], result.Shape(3).ToArray());
        Assert.Equal([2L, 2L], result.Shape(4).ToArray());
        Assert.Equal(6 * 8, result.Bytes(5).Length);
        Assert.Equal(BitConverter.GetBytes(3L * -7), result.Bytes(3)[..8].ToArray());
    }

    [Fact]
    public void Selected_outputs_come_back_in_the_requested_order()
    {
        using var session = InferenceSession.Load(ort.Environment, OnnxRuntimeFixture.TestModel("all_types.onnx"));

        using var result = session.Run(AllInputs(batch: 1), [6, 2]);

        Assert.Equal(2, result.Count);
        Assert.Equal(6, result.OutputIndex(0));
        Assert.Equal(2, result.OutputIndex(1));
        Assert.Equal([7.0, 8.0, 9.0], result.Data<double>(0).ToArray());
        Assert.Equal([8, 9, 10], result.Data<int>(1).ToArray());
        Assert.Equal(TensorElementType.Float64, result.ElementType(0));
    }

    [Fact]
    public void Reading_an_output_as_the_wrong_type_is_refused()
    {
        using var session = InferenceSession.Load(ort.Environment, OnnxRuntimeFixture.TestModel("all_types.onnx"));
        using var result = session.Run(AllInputs(batch: 1));

        var wrongSize = Assert.Throws<InvalidOperationException>(() => result.Data<double>(0));
        Assert.Contains("Output 0 is float32; read it as float", wrongSize.Message);
        var sameSizeWrongType = Assert.Throws<InvalidOperationException>(() => result.Data<int>(0));
        Assert.Contains("not Int32", sameSizeWrongType.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => result.Data<float>(7));
        Assert.Throws<ArgumentOutOfRangeException>(() => result.Shape(-1));
    }

    [Fact]
    public void A_disposed_result_refuses_access_and_disposing_twice_is_harmless()
    {
        using var session = InferenceSession.Load(ort.Environment, OnnxRuntimeFixture.TestModel("all_types.onnx"));
        var result = session.Run(AllInputs(batch: 1));

        result.Dispose();
        result.Dispose();

        Assert.Throws<ObjectDisposedException>(() => result.Count);
        Assert.Throws<ObjectDisposedException>(() => result.Data<float>(0));
        using var next = session.Run(AllInputs(batch: 1));
        Assert.Equal(7, next.Count);
    }

    internal static InputTensor[] AllInputs(int batch) =>
    [
        Tensors.Of(0, TensorElementType.Float32, [batch, 3], Enumerable.Range(1, 3 * batch).Select(i => (float)i).ToArray()),
        Tensors.Of(1, TensorElementType.UInt8, [2, 3], new byte[] { 1, 2, 3, 4, 5, 6 }),
        Tensors.Of(2, TensorElementType.Int32, [batch, 3], Enumerable.Range(7, 3 * batch).ToArray()),
        Tensors.Of(3, TensorElementType.Int64, [batch], Enumerable.Range(0, batch).Select(i => (long)i).ToArray()),
        Tensors.Of(4, TensorElementType.Bool, [batch, 2], Enumerable.Range(0, 2 * batch).Select(i => i % 2 == 0).ToArray()),
        Tensors.Of(5, TensorElementType.Float64, [batch, 3], Enumerable.Range(0, 3 * batch).Select(i => i * 0.5).ToArray()),
    ];
}
