using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ModelOperator.Metrics;
using ModelOperator.Runtime.Protocol;
using ModelOperator.Runtime.Server.Inference;

namespace ModelOperator.Runtime.Server.Tests;

public sealed class BatchingTests
{
    private static string Request(float[][] rows, string id) =>
        $"{{\"id\":\"{id}\",\"inputs\":[{{\"name\":\"features\",\"shape\":[{rows.Length},8],\"datatype\":\"FP32\",\"data\":[" +
        string.Join(',', rows.SelectMany(r => r).Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]}]}";

    private static float[][] Rows(int seed, int count)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => new[]
        {
            random.Next(0, 73), (float)Math.Round(18 + (random.NextDouble() * 102), 2), random.Next(0, 11), new[] { 1f, 12, 24 }[random.Next(3)],
            random.Next(1, 7), random.Next(0, 61), random.Next(0, 7), random.Next(1, 6),
        }).ToArray();
    }

    private static async Task<double[]> InferAsync(ServerFixture server, float[][] rows, string id)
    {
        using var response = await server.PostJsonAsync(MalformedRequestCorpus.InferPath, Request(rows, id));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(id, body.GetProperty("id").GetString());
        var output = body.GetProperty("outputs")[0];
        Assert.Equal([rows.Length, 1L], output.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
        return output.GetProperty("data").EnumerateArray().Select(e => e.GetDouble()).ToArray();
    }

    [Fact]
    public async Task Under_concurrency_every_caller_gets_exactly_its_own_rows_as_an_unbatched_server_computes_them()
    {
        await using var plain = await ServerFixture.StartAsync();
        await using var batched = await ServerFixture.StartAsync(o => o with { MaxBatchSize = 32, MaxBatchDelay = TimeSpan.FromMilliseconds(5) });
        var work = Enumerable.Range(0, 16).Select(worker => Enumerable.Range(0, 12).Select(i => Rows((worker * 100) + i, 1 + ((worker + i) % 4))).ToArray()).ToArray();

        var expected = new Dictionary<string, double[]>();
        foreach (var (requests, worker) in work.Select((w, i) => (w, i)))
        {
            for (var i = 0; i < requests.Length; i++)
            {
                expected[$"{worker}-{i}"] = await InferAsync(plain, requests[i], $"{worker}-{i}");
            }
        }

        var results = await Task.WhenAll(work.Select(async (requests, worker) =>
        {
            var mine = new List<(string Id, double[] Values)>();
            for (var i = 0; i < requests.Length; i++)
            {
                mine.Add(($"{worker}-{i}", await InferAsync(batched, requests[i], $"{worker}-{i}")));
            }

            return mine;
        }));

        foreach (var (id, values) in results.SelectMany(r => r))
        {
            ExpectedCase.AssertClose(expected[id], values);
        }

        // And batching did happen: fewer runs than requests.
        var metrics = await batched.Client.GetStringAsync("/metrics");
        var runs = Sample(metrics, "modelserver_batch_size_rows_count");
        var rows = Sample(metrics, "modelserver_batch_size_rows_sum");
        Assert.Equal(work.Sum(w => w.Sum(r => r.Length)), rows);
        Assert.True(runs < 16 * 12, $"{runs} runs for {16 * 12} requests: nothing was joined");
        Assert.Contains("modelserver_batch_queue_duration_seconds_count", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_request_among_batched_ones_gets_its_400_and_the_others_are_served()
    {
        await using var batched = await ServerFixture.StartAsync(o => o with { MaxBatchSize = 16, MaxBatchDelay = TimeSpan.FromMilliseconds(5) });

        var tasks = Enumerable.Range(0, 12).Select(async i =>
        {
            if (i % 4 == 0)
            {
                using var bad = await batched.PostJsonAsync(MalformedRequestCorpus.InferPath, "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1]}]}");
                Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            }
            else
            {
                await InferAsync(batched, Rows(i, 2), $"ok-{i}");
            }
        });

        await Task.WhenAll(tasks);
        using var after = await batched.PostJsonAsync(MalformedRequestCorpus.InferPath, MalformedRequestCorpus.Good);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Requested_outputs_and_ids_survive_batching()
    {
        await using var batched = await ServerFixture.StartAsync(o => o with { MaxBatchSize = 8 });

        using var response = await batched.PostJsonAsync(
            MalformedRequestCorpus.InferPath,
            Request(Rows(7, 3), "x")[..^1] + ",\"outputs\":[{\"name\":\"churn_probability\"}]}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(new long[] { -1, 8 }, new long[] { -1, 1 }, true)]
    [InlineData(new long[] { 1, 8 }, new long[] { 1, 1 }, false)]
    [InlineData(new long[] { -1, 8 }, new long[] { 1 }, false)]
    [InlineData(new long[] { -1 }, new long[] { -1 }, true)]
    public void Only_models_with_a_dynamic_first_dimension_everywhere_can_be_batched(long[] input, long[] output, bool batchable)
    {
        var signature = new ModelSignature([new TensorSignature("x", DataType.FP32, input)], [new TensorSignature("y", DataType.FP32, output)]);

        Assert.Equal(batchable, DynamicBatcher.CanBatch(signature));
    }

    private static double Sample(string metrics, string name) =>
        PrometheusText.Parse(metrics, out _).Where(s => s.Name == name).Sum(s => s.Value);
}
