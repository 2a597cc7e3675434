namespace ModelOperator.Runtime.Onnx.Tests;

[Collection(OnnxRuntimeCollection.Name)]
public sealed class ConcurrencyAndAllocationTests(OnnxRuntimeFixture ort)
{
    [Fact]
    public void Eight_threads_running_one_session_get_the_same_results_as_sequential_runs()
    {
        using var session = InferenceSession.Load(ort.Environment, OnnxRuntimeFixture.ExampleModel("wide", 1));
        var rng = new Random(1234);
        var inputs = Enumerable.Range(0, 32).Select(i =>
        {
            var batch = 1 + (i % 4);
            var data = new float[batch * 256];
            for (var j = 0; j < data.Length; j++)
            {
                data[j] = (float)(rng.NextDouble() * 2 - 1);
            }

            return Tensors.Float(0, [batch, 256], data);
        }).ToArray();
        var sequential = inputs.Select(t => RunOnce(session, t)).ToArray();

        var parallel = new float[8][][];
        using var start = new Barrier(8);
        var threads = Enumerable.Range(0, 8).Select(thread => new Thread(() =>
        {
            start.SignalAndWait();
            var mine = new float[inputs.Length * 4][];
            for (var round = 0; round < mine.Length; round++)
            {
                mine[round] = RunOnce(session, inputs[(round + thread) % inputs.Length]);
            }

            parallel[thread] = mine;
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        for (var thread = 0; thread < 8; thread++)
        {
            for (var round = 0; round < parallel[thread].Length; round++)
            {
                Assert.Equal(sequential[(round + thread) % inputs.Length], parallel[thread][round]);
            }
        }
    }

    [Fact]
    public void A_run_allocates_at_most_64_bytes_after_warm_up()
    {
        using var session = InferenceSession.Load(ort.Environment, OnnxRuntimeFixture.ExampleModel("churn", 1));
        InputTensor[] inputs = [Tensors.Float(0, [4, 8], Enumerable.Range(0, 32).Select(i => (float)i).ToArray())];
        var sum = 0f;
        for (var i = 0; i < 100; i++)
        {
            using var r = session.Run(inputs);
            sum += r.Data<float>(0)[0];
        }

        const int Runs = 2000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Runs; i++)
        {
            using var r = session.Run(inputs);
            sum += r.Data<float>(0)[0];
        }

        var perRun = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Runs;
        Assert.True(perRun <= 64, $"allocated {perRun:F1} bytes per run");
        Assert.True(float.IsFinite(sum));
    }

    private static float[] RunOnce(InferenceSession session, InputTensor input)
    {
        using var result = session.Run([input]);
        return result.Data<float>(0).ToArray();
    }
}
