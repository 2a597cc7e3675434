using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ModelOperator.Runtime.Drift;
using ModelOperator.Runtime.Onnx;
using ModelOperator.Runtime.Protocol;
using ModelOperator.Runtime.Server.Drift;
using ModelOperator.Runtime.Server.Inference;
using ModelOperator.Runtime.Server.Models;
using ModelOperator.Testing;

namespace ModelOperator.Runtime.Server.Tests;

/// <summary>
/// The strings example (colour BYTES [batch, 2], count INT64 [batch]) served with its reference profile: string inputs
/// are recorded as text series on the REST JSON and binary paths, and new strings move the unseen-value metrics.
/// </summary>
public sealed class StringDriftTests
{
    private const string InferPath = "/v2/models/strings/infer";

    private static readonly string ProfilePath = Path.Combine(AppContext.BaseDirectory, "models", "strings", "1", "profile.json");

    private static readonly string ReferenceCsv = Path.Combine(AppContext.BaseDirectory, "models", "strings", "reference.csv");

    private static Task<ServerFixture> StartAsync(string? profile = null) => ServerFixture.StartAsync(o => o with
    {
        ModelName = "strings",
        ModelUri = ServerFixture.ModelPath("strings", 1),
        ProfileUri = profile ?? ProfilePath,
        DriftMinSamples = 1,
    });

    private static string JsonRequest(params (string First, string Second, long Count)[] rows) =>
        $$"""
        {"inputs":[
          {"name":"colour","shape":[{{rows.Length}},2],"datatype":"BYTES","data":[{{string.Join(',', rows.Select(r => $"\"{r.First}\",\"{r.Second}\""))}}]},
          {"name":"count","shape":[{{rows.Length}}],"datatype":"INT64","data":[{{string.Join(',', rows.Select(r => r.Count))}}]}]}
        """;

    // The same request in the binary data extension: both inputs' elements after the JSON header.
    private static HttpRequestMessage BinaryRequest(params (string First, string Second, long Count)[] rows)
    {
        var colours = rows.SelectMany(r => new[] { r.First, r.Second }).SelectMany(s =>
        {
            var utf8 = Encoding.UTF8.GetBytes(s);
            return BitConverter.GetBytes(utf8.Length).Concat(utf8);
        }).ToArray();
        var counts = rows.SelectMany(r => BitConverter.GetBytes(r.Count)).ToArray();
        var header = Encoding.UTF8.GetBytes(
            $$$"""{"inputs":[{"name":"colour","shape":[{{{rows.Length}}},2],"datatype":"BYTES","parameters":{"binary_data_size":{{{colours.Length}}}}},""" +
            $$$"""{"name":"count","shape":[{{{rows.Length}}}],"datatype":"INT64","parameters":{"binary_data_size":{{{counts.Length}}}}}]}""");
        var content = new ByteArrayContent([.. header, .. colours, .. counts]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var message = new HttpRequestMessage(HttpMethod.Post, InferPath) { Content = content };
        message.Headers.Add("Inference-Header-Content-Length", header.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return message;
    }

    private static string Series(string family, string name) =>
        $"{family}{{model=\"strings\",version=\"1\",series=\"feature\",name=\"{name}\"}} ";

    private static double Value(string metrics, string family, string name)
    {
        var prefix = Series(family, name);
        var line = metrics.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return double.Parse(line[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task New_strings_over_rest_json_and_binary_move_the_unseen_value_metrics_the_data_quality_gate_reads()
    {
        // Given the strings model served with its reference profile (known colours: blue, green, red)
        await using var server = await StartAsync();
        Assert.True(server.Settled.Ready, server.Settled.Message);

        // When known colours arrive
        using (var known = await server.PostJsonAsync(InferPath, JsonRequest(("red", "blue", 3), ("green", "red", 4))))
        {
            Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        }

        // Then nothing is unseen
        var before = await server.Client.GetStringAsync("/metrics");
        Assert.Equal(0, Value(before, "modelserver_drift_window_unseen_category_values", "colour[0]"));
        Assert.Equal(0, Value(before, "modelserver_drift_window_unseen_category_values", "colour[1]"));
        Assert.Equal(2, Value(before, "modelserver_drift_window_samples", "colour[1]"));

        // When a new colour arrives in JSON and two in the binary extension
        using (var json = await server.PostJsonAsync(InferPath, JsonRequest(("blue", "purple", 5))))
        {
            Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        }

        using (var binary = await server.Client.SendAsync(BinaryRequest(("purple", "teal", 6), ("red", "green", 7))))
        {
            Assert.True(binary.StatusCode == HttpStatusCode.OK, await binary.Content.ReadAsStringAsync());
        }

        // Then each column counts exactly its unseen strings, in the window and since start
        var after = await server.Client.GetStringAsync("/metrics");
        Assert.Equal(1, Value(after, "modelserver_drift_window_unseen_category_values", "colour[0]")); // purple
        Assert.Equal(2, Value(after, "modelserver_drift_window_unseen_category_values", "colour[1]")); // purple, teal
        Assert.Equal(5, Value(after, "modelserver_drift_window_samples", "colour[1]"));
        Assert.Equal(0, Value(after, "modelserver_drift_window_unseen_category_values", "count"));
        Assert.Contains(
            "modelserver_data_quality_values_total{model=\"strings\",version=\"1\",series=\"feature\",name=\"colour[1]\",problem=\"unseen_category\"} 2",
            after,
            StringComparison.Ordinal);
        Assert.Contains(
            "modelserver_drift_window_bin_values{model=\"strings\",version=\"1\",series=\"feature\",name=\"colour[1]\",bin=\"3\",range=\"unseen\"} 2",
            after,
            StringComparison.Ordinal);
        Assert.Contains(
            "modelserver_drift_reference_bin_proportion{model=\"strings\",version=\"1\",series=\"feature\",name=\"colour[0]\",bin=\"2\",range=\"= red\"} 0.48",
            after,
            StringComparison.Ordinal);
        var stats = await server.GetJsonAsync("/v2/models/strings/stats");
        Assert.Equal(5, stats.GetProperty("rows").GetInt64());
        var (exit, output) = await Promtool.CheckMetricsAsync(after);
        Assert.True(exit == 0, output);
    }

    [Fact]
    public async Task A_profile_that_reads_a_string_column_as_numbers_keeps_the_model_from_being_served()
    {
        // A numeric series where the model's colour[0] column holds strings.
        var profile = ReferenceProfileJson.Deserialize(await File.ReadAllTextAsync(ProfilePath));
        var numeric = new SeriesProfile("colour[0]", SeriesKind.Categorical, 0, 2, null, [0, 1, 2], [0.5, 0.3, 0.2, 0]);
        var path = Path.Combine(Path.GetTempPath(), $"profile-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, ReferenceProfileJson.Serialize(new ReferenceProfile([numeric, .. profile.Features.Skip(1)], profile.Outputs, profile.RowCount)));
        try
        {
            await using var server = await StartAsync(path);

            Assert.False(server.Settled.Ready);
            Assert.Equal("InvalidProfile", server.Settled.Reason);
            Assert.Contains("profiles feature 1 (\"colour[0]\") as numbers, but that column of the model is BYTES (text)", server.Settled.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_committed_strings_profile_is_what_the_profile_command_builds_from_the_reference_csv()
    {
        using var env = OnnxRuntimeEnvironment.Create();
        using var session = InferenceSession.Load(env, ServerFixture.ModelPath("strings", 1));

        var built = ProfileCommand.Build(session, ReferenceCsv);

        Assert.Equal(File.ReadAllText(ProfilePath).Trim(), ReferenceProfileJson.Serialize(built).Trim());
        Assert.Equal(["colour[0]", "colour[1]", "count"], built.Features.Select(f => f.Name));
        Assert.Equal(["blue", "green", "red"], built.Features[0].Values);
        Assert.Equal(["colour_id[0]", "colour_id[1]", "count_out"], built.Outputs.Select(o => o.Name));
        // colour_id is the model's own index of colour[0] in [red, green, blue]: the outputs come from running the model.
        Assert.Equal(built.Features[0].Proportions[2], built.Outputs[0].Proportions[0]);
    }

    [Fact]
    public void Recording_a_string_request_in_process_counts_its_values_and_allocates_nothing_for_known_values()
    {
        using var env = OnnxRuntimeEnvironment.Create();
        using var session = InferenceSession.Load(env, ServerFixture.ModelPath("strings", 1));
        var signature = LoadedModel.SignatureOf(session);
        var profile = ReferenceProfileJson.Deserialize(File.ReadAllText(ProfilePath));
        var histogram = Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.NewCustomRegistry())
            .CreateHistogram("test_prediction", "test", ["model", "version", "output"], new Prometheus.HistogramConfiguration { Buckets = [0.5, 1] });
        var monitor = new DriftMonitor(profile, new DriftMonitorOptions(), TimeProvider.System);
        var recorder = new PredictionRecorder(FeatureLayout.Create(signature), monitor, histogram, "strings", "1");
        var request = new InferenceRequest(signature);
        InferenceRequestParser.Parse(Encoding.UTF8.GetBytes(JsonRequest(("red", "blue", 3))), request);
        var inputs = request.Inputs.ToArray().Select((s, i) => new InputTensor(i, LoadedModel.ToElementType(s.DataType), s.Shape, s.Data)).ToArray();
        using var result = session.Run(inputs);
        var view = new OutputView(result, 0, 1, 1);

        recorder.Record(request, view);
        var once = monitor.Snapshot();
        Assert.Equal([0L, 0, 1, 0], once.Features[0].Counts); // red
        Assert.Equal([1L, 0, 0, 0], once.Features[1].Counts); // blue
        Assert.Equal(1, once.Outputs[0].Counts[0]);           // colour_id[0] = 0 (red)

        for (var i = 0; i < 2000; i++)
        {
            recorder.Record(request, view); // warm-up: JIT, tiering, the pools
        }

        // Rounds of 10 000 requests: a one-off allocation of the runtime's own (a tier-up while measuring) can land in
        // one round; an allocation per request would be in every round.
        var rounds = new long[3];
        for (var round = 0; round < rounds.Length; round++)
        {
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 10_000; i++)
            {
                recorder.Record(request, view);
            }

            rounds[round] = GC.GetAllocatedBytesForCurrentThread() - allocated;
        }

        Assert.True(rounds.Min() == 0, $"bytes allocated per round of 10 000 requests: {string.Join(", ", rounds)}");
        Assert.Equal(32_001, monitor.Snapshot().Features[0].Counts[2]);
    }
}
