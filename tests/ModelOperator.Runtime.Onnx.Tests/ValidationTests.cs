namespace ModelOperator.Runtime.Onnx.Tests;

/// <summary>Bad input is refused before native code runs, with a message naming what was wrong, and the session keeps working.</summary>
[Collection(OnnxRuntimeCollection.Name)]
public sealed class ValidationTests(OnnxRuntimeFixture ort) : IDisposable
{
    private readonly InferenceSession _churn = InferenceSession.Load(ort.Environment, OnnxRuntimeFixture.ExampleModel("churn", 1));
    private readonly InferenceSession _types = InferenceSession.Load(ort.Environment, OnnxRuntimeFixture.TestModel("all_types.onnx"));

    public void Dispose()
    {
        _churn.Dispose();
        _types.Dispose();
    }

    [Fact]
    public void Wrong_element_type()
    {
        var e = Refused(_churn, [Tensors.Of(0, TensorElementType.Float64, [1, 8], new double[8])]);
        Assert.Equal("Input 'features' must be float32, got float64. (Parameter 'inputs')", e.Message);
    }

    [Fact]
    public void Element_type_outside_the_enum()
    {
        var e = Refused(_churn, [new InputTensor(0, (TensorElementType)14, new long[] { 1, 8 }, new byte[64])]);
        Assert.Contains("must be float32, got complex64 (not a supported element type; supported: float32, uint8, int8, uint16, int16, int32, int64, string, bool, float16, float64, uint32, uint64, bfloat16)", e.Message);
    }

    [Fact]
    public void Wrong_data_length()
    {
        var e = Refused(_churn, [new InputTensor(0, TensorElementType.Float32, new long[] { 2, 8 }, new byte[60])]);
        Assert.StartsWith("Input 'features' with shape [2, 8] of float32 needs 16 x 4 = 64 bytes of data, got 60.", e.Message);
    }

    [Fact]
    public void Wrong_rank()
    {
        var e = Refused(_churn, [Tensors.Float(0, [8], new float[8])]);
        Assert.StartsWith("Input 'features' must have rank 2 (shape [-1, 8]), got rank 1 (shape [8]).", e.Message);
    }

    [Fact]
    public void Wrong_fixed_dimension()
    {
        var e = Refused(_churn, [Tensors.Float(0, [1, 7], new float[7])]);
        Assert.StartsWith("Input 'features' dimension 1 must be 8 (model shape [-1, 8]), got 7 (shape [1, 7]).", e.Message);
    }

    [Fact]
    public void Negative_dimension()
    {
        var e = Refused(_churn, [Tensors.Float(0, [-1, 8], [])]);
        Assert.StartsWith("Input 'features' has dimension 0 = -1 in shape [-1, 8]; dimensions must be 0 or more.", e.Message);
    }

    [Fact]
    public void Missing_input()
    {
        var inputs = AllTypesTests.AllInputs(batch: 1).Where(t => t.InputIndex != 4).ToArray();
        var e = Refused(_types, inputs);
        Assert.StartsWith("Input 'x_bool' (index 4, bool [-1, 2]) was not given; the model needs all of its inputs: 0 'x_f32', 1 'x_u8', 2 'x_i32', 3 'x_i64', 4 'x_bool', 5 'x_f64'.", e.Message);
    }

    [Fact]
    public void No_inputs_at_all()
    {
        var e = Refused(_churn, []);
        Assert.StartsWith("Input 'features' (index 0, float32 [-1, 8]) was not given", e.Message);
    }

    [Fact]
    public void Input_given_twice()
    {
        var e = Refused(_churn, [Tensors.Float(0, [1, 8], new float[8]), Tensors.Float(0, [1, 8], new float[8])]);
        Assert.StartsWith("Input 'features' (index 0) was given more than once", e.Message);
    }

    [Fact]
    public void Input_index_out_of_range()
    {
        var e = Refused(_churn, [Tensors.Float(1, [1, 8], new float[8])]);
        Assert.StartsWith("Input tensor 0 refers to input index 1, but the model has 1 input(s) (indices 0 to 0: 0 'features').", e.Message);
    }

    [Fact]
    public void Output_index_out_of_range_or_repeated()
    {
        var input = Tensors.Float(0, [1, 8], new float[8]);
        var outOfRange = Assert.Throws<ArgumentException>(() => _churn.Run([input], [1]));
        Assert.StartsWith("Output index 1 is out of range: the model has 1 output(s) (indices 0 to 0: 0 'churn_probability').", outOfRange.Message);
        var twice = Assert.Throws<ArgumentException>(() => _churn.Run([input], [0, 0]));
        Assert.StartsWith("Output 'churn_probability' (index 0) was requested more than once.", twice.Message);
        AssertStillWorks(_churn);
    }

    [Fact]
    public void Bad_session_options_are_refused_before_loading()
    {
        var threads = Assert.Throws<ArgumentException>(() =>
            InferenceSession.Load(ort.Environment, OnnxRuntimeFixture.ExampleModel("churn", 1), new OnnxSessionOptions { IntraOpThreads = -1 }));
        Assert.StartsWith("IntraOpThreads is -1; it must be 0 (ONNX Runtime chooses) or a positive thread count.", threads.Message);
        var level = Assert.Throws<ArgumentException>(() =>
            InferenceSession.Load(ort.Environment, OnnxRuntimeFixture.ExampleModel("churn", 1), new OnnxSessionOptions { OptimizationLevel = (GraphOptimizationLevel)3 }));
        Assert.StartsWith("OptimizationLevel is 3; allowed: Disabled (0), Basic (1), Extended (2), All (99).", level.Message);
    }

    private static ArgumentException Refused(InferenceSession session, InputTensor[] inputs)
    {
        var e = Assert.Throws<ArgumentException>(() => session.Run(inputs));
        AssertStillWorks(session);
        return e;
    }

    private static void AssertStillWorks(InferenceSession session)
    {
        if (session.Inputs.Count == 1)
        {
            using var ok = session.Run([Tensors.Float(0, [1, 8], [12, 89.5f, 6, 1, 1, 20, 2, 2])]);
            Assert.InRange(ok.Data<float>(0)[0], 0f, 1f);
        }
        else
        {
            using var ok = session.Run(AllTypesTests.AllInputs(batch: 2));
            Assert.Equal(7, ok.Count);
        }
    }
}
