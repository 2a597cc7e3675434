using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ModelOperator.Runtime.Drift;
using ModelOperator.Runtime.Onnx;
using ModelOperator.Runtime.Server.Drift;
using ModelOperator.Testing;

namespace ModelOperator.Runtime.Server.Tests;

public sealed class DriftTests
{
    private static readonly string ReferenceCsv = Path.Combine(AppContext.BaseDirectory, "models", "churn", "reference.csv");

    private static string ProfilePath(int version) => Path.Combine(AppContext.BaseDirectory, "models", "churn", version.ToString(CultureInfo.InvariantCulture), "profile.json");

    /// <summary>Rows of the reference dataset; with <paramref name="drifted"/>, moved as scripts/churn_data.py moves them.</summary>
    private static float[][] Rows(int count, bool drifted) =>
        File.ReadLines(ReferenceCsv).Skip(1).Take(count).Select(line =>
        {
            var row = line.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            if (drifted)
            {
                row[0] = Math.Clamp(row[0] * 0.3f, 0, 72);
                row[1] = Math.Clamp((row[1] * 1.35f) + 10, 18, 160);
                row[2] = Math.Clamp(row[2] + 4, 0, 14);
                row[5] = Math.Clamp(row[5] + 25, 0, 90);
            }

            return row;
        }).ToArray();

    private static string Request(IEnumerable<float[]> rows)
    {
        var list = rows.ToList();
        var data = string.Join(',', list.SelectMany(r => r).Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        return $"{{\"inputs\":[{{\"name\":\"features\",\"shape\":[{list.Count},8],\"datatype\":\"FP32\",\"data\":[{data}]}}]}}";
    }

    private static Task<ServerFixture> StartWithProfileAsync(int version = 1) => ServerFixture.StartAsync(o => o with
    {
        ModelUri = ServerFixture.ModelPath("churn", version),
        ProfileUri = ProfilePath(version),
        DriftMinSamples = 50,
    });

    [Fact]
    public async Task Reference_like_traffic_is_stable_and_drifted_traffic_is_detected()
    {
        await using var server = await StartWithProfileAsync();
        foreach (var chunk in Rows(400, drifted: false).Chunk(50))
        {
            using var response = await server.PostJsonAsync(MalformedRequestCorpus.InferPath, Request(chunk));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var stable = await server.GetJsonAsync("/v2/models/churn/stats");
        Assert.True(stable.GetProperty("profile").GetBoolean());
        Assert.Equal(400, stable.GetProperty("rows").GetInt64());
        Assert.Equal("Stable", stable.GetProperty("verdict").GetString());
        Assert.False(stable.GetProperty("drift").GetProperty("detected").GetBoolean());
        var tenure = stable.GetProperty("features")[0];
        Assert.Equal("tenure_months", tenure.GetProperty("name").GetString());
        Assert.Equal(400, tenure.GetProperty("samples").GetInt64());
        Assert.True(tenure.GetProperty("psi").GetDouble() < 0.1, tenure.ToString());

        foreach (var chunk in Rows(1200, drifted: true).Chunk(100))
        {
            using var response = await server.PostJsonAsync(MalformedRequestCorpus.InferPath, Request(chunk));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var drifted = await server.GetJsonAsync("/v2/models/churn/stats");
        Assert.Equal("Drifting", drifted.GetProperty("verdict").GetString());
        Assert.True(drifted.GetProperty("drift").GetProperty("detected").GetBoolean());
        Assert.NotEqual(JsonValueKind.Null, drifted.GetProperty("drift").GetProperty("detectedAt").ValueKind);
        Assert.True(drifted.GetProperty("features")[0].GetProperty("psi").GetDouble() >= 0.25);
        Assert.Equal("Drifting", drifted.GetProperty("predictions")[0].GetProperty("verdict").GetString());

        var metrics = await server.Client.GetStringAsync("/metrics");
        Assert.Contains("modelserver_drift_detected{model=\"churn\",version=\"1\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("modelserver_drift_psi{model=\"churn\",version=\"1\",series=\"feature\",name=\"tenure_months\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("modelserver_drift_psi{model=\"churn\",version=\"1\",series=\"output\",name=\"churn_probability\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("modelserver_prediction_value_count{model=\"churn\",version=\"1\",output=\"churn_probability\"} 1600", metrics, StringComparison.Ordinal);
        var (exit, output) = await Promtool.CheckMetricsAsync(metrics);
        Assert.True(exit == 0, output);
    }

    [Fact]
    public async Task NaN_infinite_and_out_of_range_values_are_counted()
    {
        await using var server = await StartWithProfileAsync();
        var body = """{"inputs":[{"name":"features","shape":[3,8],"datatype":"FP32","data":["NaN",50,1,12,2,3,0,4, "Infinity",50,1,12,2,3,0,4, 500,50,1,12,2,3,0,4]}]}""";

        using var response = await server.PostJsonAsync(MalformedRequestCorpus.InferPath, body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var stats = await server.GetJsonAsync("/v2/models/churn/stats");
        var quality = stats.GetProperty("features")[0].GetProperty("dataQuality");
        Assert.Equal(1, quality.GetProperty("nan").GetInt64());
        Assert.Equal(1, quality.GetProperty("infinite").GetInt64());
        Assert.Equal(1, quality.GetProperty("outOfRange").GetInt64());
        Assert.Equal(0, stats.GetProperty("features")[1].GetProperty("dataQuality").GetProperty("nan").GetInt64());
        var metrics = await server.Client.GetStringAsync("/metrics");
        Assert.Contains("modelserver_data_quality_values_total{model=\"churn\",version=\"1\",series=\"feature\",name=\"tenure_months\",problem=\"nan\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("modelserver_data_quality_values_total{model=\"churn\",version=\"1\",series=\"feature\",name=\"tenure_months\",problem=\"out_of_range\"} 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_profile_serving_works_drift_series_are_absent_and_stats_say_so()
    {
        await using var server = await ServerFixture.StartAsync();
        using (await server.PostJsonAsync(MalformedRequestCorpus.InferPath, MalformedRequestCorpus.Good))
        {
        }

        var stats = await server.GetJsonAsync("/v2/models/churn/stats");
        var metrics = await server.Client.GetStringAsync("/metrics");

        Assert.False(stats.GetProperty("profile").GetBoolean());
        Assert.Contains("no reference profile", stats.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("modelserver_drift_", metrics, StringComparison.Ordinal);
        Assert.Contains("modelserver_prediction_value_count{model=\"churn\",version=\"1\",output=\"churn_probability\"} 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_profile_that_does_not_fit_the_model_keeps_it_from_being_served()
    {
        var path = Path.Combine(Path.GetTempPath(), $"profile-{Guid.NewGuid():N}.json");
        var profile = ReferenceProfileJson.Deserialize(await File.ReadAllTextAsync(ProfilePath(1)));
        await File.WriteAllTextAsync(path, ReferenceProfileJson.Serialize(new ReferenceProfile(profile.Features.Take(7).ToArray(), profile.Outputs, profile.RowCount)));
        try
        {
            await using var server = await ServerFixture.StartAsync(o => o with { ProfileUri = path });

            Assert.False(server.Settled.Ready);
            Assert.Equal("InvalidProfile", server.Settled.Reason);
            Assert.Contains("7 features", server.Settled.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_committed_profiles_are_what_the_profile_command_builds_from_the_reference_csv()
    {
        using var env = OnnxRuntimeEnvironment.Create();
        foreach (var version in new[] { 1, 2, 3 })
        {
            using var session = InferenceSession.Load(env, ServerFixture.ModelPath("churn", version));

            var built = ProfileCommand.Build(session, ReferenceCsv);

            Assert.Equal(File.ReadAllText(ProfilePath(version)).Trim(), ReferenceProfileJson.Serialize(built).Trim());
        }
    }

    [Fact]
    public void The_profile_command_names_a_csv_that_does_not_fit_the_model()
    {
        var csv = Path.Combine(Path.GetTempPath(), $"ref-{Guid.NewGuid():N}.csv");
        File.WriteAllText(csv, "a,b,c\n1,2,3\n");
        var error = new StringWriter();
        try
        {
            var exit = ProfileCommand.Run(["--model", ServerFixture.ModelPath("churn", 1), "--data", csv, "--out", csv + ".json"], TextWriter.Null, error);

            Assert.Equal(1, exit);
            Assert.Contains("the reference CSV has 3 columns but the model's input \"features\" has 8", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(csv);
        }
    }

    [Fact]
    public void The_profile_command_lists_missing_options()
    {
        var error = new StringWriter();

        Assert.Equal(2, ProfileCommand.Run(["--model", "m.onnx"], TextWriter.Null, error));
        Assert.Contains("--data is required", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("--out is required", error.ToString(), StringComparison.Ordinal);
    }
}
