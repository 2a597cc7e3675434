namespace ModelOperator.Runtime.Onnx.Tests;

/// <summary>The pooled run state: inputs rebound when their memory changes, outputs preallocated per learned shapes, lifetimes.</summary>
[Collection(OnnxRuntimeCollection.Name)]
public sealed class RunStateTests(OnnxRuntimeFixture ort)
{
    [Fact]
    public void A_result_held_open_keeps_its_outputs_while_later_runs_reuse_the_same_input_memory()
    {
        using var session = InferenceSession.Load(ort.Environment, OnnxRuntimeFixture.ExampleModel("churn", 1));
        var c = ExpectedOutputs.Load(OnnxRuntimeFixture.ExampleModel("churn", 1)).Cases.Single(x => x.Name == "batch4");
        var data = new float[c.InputData.Length];
        var input = Tensors.Float(0, c.InputShape, data);
        var bytes = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(System.Runtime.InteropServices.MemoryMarshal.AsMemory(input.Data).Span);

        c.InputData.CopyTo(bytes);
        using var held = session.Run([input]);
        var expected = held.Data<float>(0).ToArray();
        bytes.Clear(); // same memory, new values: later runs must see them, the held result must not change
        for (var i = 0; i < 5; i++)
        {
            using var later = session.Run([input]);
            Assert.NotEqual(expected, later.Data<float>(0).ToArray());
        }

        ExampleModelTests.AssertClose(c.OutputData, held.Data<float>(0));
    }

    [Fact]
    public void Alternating_shapes_on_one_thread_give_the_reference_outputs_each_time()
    {
        var path = OnnxRuntimeFixture.ExampleModel("wide", 1);
        var cases = ExpectedOutputs.Load(path).Cases;
        using var session = InferenceSession.Load(ort.Environment, path);

        foreach (var name in new[] { "batch1", "batch1", "batch4", "batch4", "batch1", "batch4", "batch1" })
        {
            var c = cases.Single(x => x.Name == name);
            using var result = session.Run([Tensors.Float(0, c.InputShape, c.InputData)]);
            Assert.Equal(c.OutputShape, result.Shape(0).ToArray());
            ExampleModelTests.AssertClose(c.OutputData, result.Data<float>(0));
        }
    }

    [Fact]
    public void A_session_disposed_while_a_result_is_open_refuses_new_runs_and_the_result_stays_readable()
    {
        var session = InferenceSession.Load(ort.Environment, OnnxRuntimeFixture.ExampleModel("churn", 1));
        var result = session.Run([Tensors.Float(0, [1, 8], [12, 89.5f, 6, 1, 1, 20, 2, 2])]);
        var before = result.Data<float>(0)[0];

        session.Dispose();

        Assert.Throws<ObjectDisposedException>(() => session.Run([Tensors.Float(0, [1, 8], new float[8])]));
        Assert.Equal(before, result.Data<float>(0)[0]);
        result.Dispose();
        result.Dispose();
    }
}
