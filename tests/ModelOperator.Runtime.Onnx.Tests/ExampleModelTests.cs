using System.Security.Cryptography;

namespace ModelOperator.Runtime.Onnx.Tests;

[Collection(OnnxRuntimeCollection.Name)]
public sealed class ExampleModelTests(OnnxRuntimeFixture ort)
{
    public static TheoryData<string, int, string> Cases => new()
    {
        { "churn", 1, "batch1" }, { "churn", 1, "batch4" },
        { "churn", 2, "batch1" }, { "churn", 2, "batch4" },
        { "churn", 3, "batch1" }, { "churn", 3, "batch4" },
        { "wide", 1, "batch1" }, { "wide", 1, "batch4" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Outputs_match_the_numpy_reference_within_1e_5_relative(string model, int version, string caseName)
    {
        var path = OnnxRuntimeFixture.ExampleModel(model, version);
        var expected = ExpectedOutputs.Load(path);
        var c = expected.Cases.Single(x => x.Name == caseName);
        using var session = InferenceSession.Load(ort.Environment, path);

        using var result = session.Run([Tensors.Float(session.InputIndexOf(expected.Input), c.InputShape, c.InputData)]);

        Assert.Equal(1, result.Count);
        Assert.Equal(expected.Output, session.Outputs[result.OutputIndex(0)].Name);
        Assert.Equal(c.OutputShape, result.Shape(0).ToArray());
        AssertClose(c.OutputData, result.Data<float>(0));
    }

    [Theory]
    [InlineData("churn", 1)]
    [InlineData("churn", 2)]
    [InlineData("churn", 3)]
    [InlineData("wide", 1)]
    public void Model_file_hash_matches_expected_json(string model, int version)
    {
        var path = OnnxRuntimeFixture.ExampleModel(model, version);
        var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
        Assert.Equal(ExpectedOutputs.Load(path).Sha256, hash);
    }

    [Fact]
    public void Churn_metadata_has_names_types_and_a_dynamic_batch()
    {
        using var session = InferenceSession.Load(ort.Environment, OnnxRuntimeFixture.ExampleModel("churn", 1));

        var input = Assert.Single(session.Inputs);
        Assert.Equal(new TensorMetadata("features", TensorElementType.Float32, input.Shape), input);
        Assert.Equal([-1L, 8L], input.Shape);
        var output = Assert.Single(session.Outputs);
        Assert.Equal("churn_probability", output.Name);
        Assert.Equal(TensorElementType.Float32, output.ElementType);
        Assert.Equal([-1L, 1L], output.Shape);
        Assert.Equal("features: float32 [-1, 8]", input.ToString());
    }

    [Fact]
    public void Wide_metadata()
    {
        using var session = InferenceSession.Load(ort.Environment, OnnxRuntimeFixture.ExampleModel("wide", 1));

        Assert.Equal("input", session.Inputs[0].Name);
        Assert.Equal([-1L, 256L], session.Inputs[0].Shape);
        Assert.Equal("logits", session.Outputs[0].Name);
        Assert.Equal([-1L, 10L], session.Outputs[0].Shape);
    }

    [Fact]
    public void Loading_from_bytes_gives_the_same_results_as_from_the_file()
    {
        var path = OnnxRuntimeFixture.ExampleModel("churn", 1);
        var c = ExpectedOutputs.Load(path).Cases.Single(x => x.Name == "batch4");
        using var session = InferenceSession.Load(ort.Environment, File.ReadAllBytes(path));

        using var result = session.Run([Tensors.Float(0, c.InputShape, c.InputData)]);

        AssertClose(c.OutputData, result.Data<float>(0));
    }

    [Fact]
    public void Churn_v2_stays_close_to_v1_and_v3_predicts_markedly_higher()
    {
        var v1 = ExpectedOutputs.Load(OnnxRuntimeFixture.ExampleModel("churn", 1)).Cases.Single(x => x.Name == "batch4");
        var v2 = ExpectedOutputs.Load(OnnxRuntimeFixture.ExampleModel("churn", 2)).Cases.Single(x => x.Name == "batch4");
        var v3 = ExpectedOutputs.Load(OnnxRuntimeFixture.ExampleModel("churn", 3)).Cases.Single(x => x.Name == "batch4");
        Assert.Equal(v1.InputData, v2.InputData);
        Assert.Equal(v1.InputData, v3.InputData);

        Assert.All(v1.OutputData.Zip(v2.OutputData), p => Assert.True(Math.Abs(p.First - p.Second) < 0.05, $"{p.First} vs {p.Second}"));
        Assert.True(v3.OutputData.Zip(v1.OutputData).Average(p => p.First - p.Second) > 0.2);
        Assert.Contains(v1.OutputData, p => p is > 0.05f and < 0.95f);
    }

    [Fact]
    public void A_batch_of_zero_rows_gives_an_empty_output()
    {
        using var session = InferenceSession.Load(ort.Environment, OnnxRuntimeFixture.ExampleModel("churn", 1));

        // The second and third runs use the output buffers the first one taught the run state.
        for (var i = 0; i < 3; i++)
        {
            using var result = session.Run([Tensors.Float(0, [0, 8], [])]);

            Assert.Equal([0L, 1L], result.Shape(0).ToArray());
            Assert.Equal(0, result.Data<float>(0).Length);
        }
    }

    [Theory]
    [InlineData(0, false, GraphOptimizationLevel.Disabled)]
    [InlineData(2, true, GraphOptimizationLevel.Basic)]
    [InlineData(1, false, GraphOptimizationLevel.Extended)]
    public void Session_options_do_not_change_results(int threads, bool spinning, GraphOptimizationLevel level)
    {
        var path = OnnxRuntimeFixture.ExampleModel("wide", 1);
        var c = ExpectedOutputs.Load(path).Cases.Single(x => x.Name == "batch4");
        var options = new OnnxSessionOptions { IntraOpThreads = threads, AllowSpinning = spinning, OptimizationLevel = level };
        using var session = InferenceSession.Load(ort.Environment, path, options);

        using var result = session.Run([Tensors.Float(0, c.InputShape, c.InputData)]);

        AssertClose(c.OutputData, result.Data<float>(0));
    }

    /// <summary>
    /// |actual - expected| &lt;= 1e-5 * max|expected| for every element: relative to the tensor's scale,
    /// because a per-element bound cannot hold for values near zero that come from summing many
    /// float32 terms in a different order (ONNX Runtime's kernels versus numpy).
    /// </summary>
    internal static void AssertClose(float[] expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var scale = expected.Length == 0 ? 0 : expected.Max(Math.Abs);
        var tolerance = 1e-5 * scale;
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: expected {expected[i]:R}, got {actual[i]:R} (tolerance {tolerance:G3})");
        }
    }
}
