namespace ModelOperator.Runtime.Onnx.Tests;

[Collection(OnnxRuntimeCollection.Name)]
public sealed class LoadErrorTests(OnnxRuntimeFixture ort)
{
    [Fact]
    public void A_sequence_input_is_refused_naming_the_tensor_and_the_supported_types()
    {
        var e = Assert.Throws<UnsupportedModelException>(() => InferenceSession.Load(ort.Environment, OnnxRuntimeFixture.TestModel("sequence_input.onnx")));

        Assert.Equal(
            "The model is not supported: input 'seq_in' is a sequence, not a tensor. Supported: tensors of "
            + "float32, uint8, int8, uint16, int16, int32, int64, string, bool, float16, float64, uint32, uint64, bfloat16.",
            e.Message);
    }

    [Fact]
    public void A_sequence_output_is_refused()
    {
        var e = Assert.Throws<UnsupportedModelException>(() => InferenceSession.Load(ort.Environment, File.ReadAllBytes(OnnxRuntimeFixture.TestModel("sequence_output.onnx"))));

        Assert.Contains("output 'seq_out' is a sequence, not a tensor", e.Message);
    }

    [Fact]
    public void A_corrupt_model_file_gives_onnx_runtimes_own_error()
    {
        var path = Path.Combine(Path.GetTempPath(), $"corrupt-{Guid.NewGuid():N}.onnx");
        var bytes = File.ReadAllBytes(OnnxRuntimeFixture.ExampleModel("churn", 1));
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        try
        {
            var e = Assert.Throws<OnnxRuntimeException>(() => InferenceSession.Load(ort.Environment, path));

            Assert.NotEqual(0, e.ErrorCode);
            Assert.StartsWith("ORT_", e.ErrorCodeName);
            Assert.Contains(Path.GetFileName(path), e.Message); // ONNX Runtime names the file it failed to load
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Garbage_bytes_give_an_invalid_protobuf_error()
    {
        var e = Assert.Throws<OnnxRuntimeException>(() => InferenceSession.Load(ort.Environment, "this is not an onnx model"u8.ToArray()));

        Assert.Equal(7, e.ErrorCode);
        Assert.Equal("ORT_INVALID_PROTOBUF", e.ErrorCodeName);
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
    }

    [Fact]
    public void A_missing_model_file_is_a_file_not_found_error()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.onnx");

        var e = Assert.Throws<FileNotFoundException>(() => InferenceSession.Load(ort.Environment, path));

        Assert.Equal($"ONNX model file not found: {path}", e.Message);
    }

    [Fact]
    public void Empty_model_bytes_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => InferenceSession.Load(ort.Environment, ReadOnlyMemory<byte>.Empty));

        Assert.StartsWith("The model is empty (0 bytes)", e.Message);
    }

    [Fact]
    public void A_disposed_session_refuses_to_run()
    {
        var session = InferenceSession.Load(ort.Environment, OnnxRuntimeFixture.ExampleModel("churn", 1));
        session.Dispose();

        Assert.Throws<ObjectDisposedException>(() => session.Run([Tensors.Float(0, [1, 8], new float[8])]));
    }

    [Fact]
    public void Results_stay_readable_after_their_session_is_disposed()
    {
        var session = InferenceSession.Load(ort.Environment, OnnxRuntimeFixture.ExampleModel("churn", 1));
        using var result = session.Run([Tensors.Float(0, [1, 8], [12, 89.5f, 6, 1, 1, 20, 2, 2])]);
        var before = result.Data<float>(0)[0];

        session.Dispose();

        Assert.Equal(before, result.Data<float>(0)[0]);
    }
}
