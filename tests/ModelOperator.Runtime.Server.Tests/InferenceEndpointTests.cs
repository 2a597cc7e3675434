using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ModelOperator.Runtime.Server.Tests;

public sealed class InferenceEndpointTests : IAsyncLifetime
{
    private ServerFixture _server = null!;

    public async Task InitializeAsync() => _server = await ServerFixture.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static double[] Data(JsonElement output) => output.GetProperty("data").EnumerateArray().Select(e => e.GetDouble()).ToArray();

    [Theory]
    [InlineData("churn", 1)]
    [InlineData("churn", 2)]
    [InlineData("churn", 3)]
    [InlineData("wide", 1)]
    public async Task Outputs_match_the_expected_values_computed_with_numpy(string model, int version)
    {
        await using var server = await ServerFixture.StartAsync(o => o with { ModelName = model, ModelUri = ServerFixture.ModelPath(model, version) });
        Assert.True(server.Settled.Ready, server.Settled.Message);

        foreach (var @case in ExpectedCase.Load(model, version))
        {
            using var response = await server.PostJsonAsync($"/v2/models/{model}/infer", @case.RequestJson());
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

            var output = body.GetProperty("outputs")[0];
            Assert.Equal(@case.Output, output.GetProperty("name").GetString());
            Assert.Equal("FP32", output.GetProperty("datatype").GetString());
            Assert.Equal(@case.OutputShape, output.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
            ExpectedCase.AssertClose(@case.OutputData, Data(output));
        }
    }

    [Fact]
    public async Task The_response_names_the_model_and_version_and_echoes_the_request_id()
    {
        var @case = ExpectedCase.Load("churn", 1)[0];

        using var response = await _server.PostJsonAsync("/v2/models/churn/versions/1/infer", @case.RequestJson(id: "order-42 \\\"quoted\\\""));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("churn", body.GetProperty("model_name").GetString());
        Assert.Equal("1", body.GetProperty("model_version").GetString());
        Assert.Equal("order-42 \"quoted\"", body.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Nested_data_gives_the_same_answer_as_flat_data()
    {
        var @case = ExpectedCase.Load("churn", 1).Single(c => c.Name == "batch4");
        var rows = @case.InputData.Chunk(8).Select(r => "[" + string.Join(',', r.Select(v => ((float)v).ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]");
        var nested = $"{{\"inputs\":[{{\"name\":\"features\",\"shape\":[4,8],\"datatype\":\"FP32\",\"data\":[{string.Join(',', rows)}]}}]}}";

        using var response = await _server.PostJsonAsync("/v2/models/churn/infer", nested);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        ExpectedCase.AssertClose(@case.OutputData, Data(body.GetProperty("outputs")[0]));
    }

    [Fact]
    public async Task Requested_outputs_are_honoured()
    {
        var @case = ExpectedCase.Load("churn", 1)[0];
        var json = @case.RequestJson()[..^1] + ",\"outputs\":[{\"name\":\"churn_probability\",\"parameters\":{}}],\"parameters\":{\"trace\":true}}";

        using var response = await _server.PostJsonAsync("/v2/models/churn/infer", json);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, body.GetProperty("outputs").GetArrayLength());
    }

    [Fact]
    public async Task Concurrent_requests_each_get_their_own_answer()
    {
        var cases = ExpectedCase.Load("churn", 1);
        var tasks = Enumerable.Range(0, 8).Select(async worker =>
        {
            for (var i = 0; i < 40; i++)
            {
                var @case = cases[(worker + i) % cases.Count];
                using var response = await _server.PostJsonAsync("/v2/models/churn/infer", @case.RequestJson(id: $"{worker}-{i}"));
                var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal($"{worker}-{i}", body.GetProperty("id").GetString());
                ExpectedCase.AssertClose(@case.OutputData, Data(body.GetProperty("outputs")[0]));
            }
        });

        await Task.WhenAll(tasks);
    }

    [Fact]
    public async Task Metadata_describes_the_model_signature()
    {
        var server = await _server.GetJsonAsync("/v2");
        var model = await _server.GetJsonAsync("/v2/models/churn");
        var versioned = await _server.GetJsonAsync("/v2/models/churn/versions/1");

        Assert.Equal("modelserver", server.GetProperty("name").GetString());
        Assert.Equal("churn", model.GetProperty("name").GetString());
        Assert.Equal(["1"], model.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("onnxruntime_onnx", model.GetProperty("platform").GetString());
        var input = model.GetProperty("inputs")[0];
        Assert.Equal("features", input.GetProperty("name").GetString());
        Assert.Equal("FP32", input.GetProperty("datatype").GetString());
        Assert.Equal([-1L, 8L], input.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal("churn_probability", model.GetProperty("outputs")[0].GetProperty("name").GetString());
        Assert.Equal(model.GetRawText(), versioned.GetRawText());
    }

    [Fact]
    public async Task Health_endpoints_report_live_and_ready()
    {
        Assert.True((await _server.GetJsonAsync("/v2/health/live")).GetProperty("live").GetBoolean());
        Assert.True((await _server.GetJsonAsync("/v2/health/ready")).GetProperty("ready").GetBoolean());
        Assert.True((await _server.GetJsonAsync("/v2/models/churn/ready")).GetProperty("ready").GetBoolean());
        Assert.True((await _server.GetJsonAsync("/v2/models/churn/versions/1/ready")).GetProperty("ready").GetBoolean());
    }

    [Theory]
    [InlineData("/v2/models/fraud/infer", "unknown model \"fraud\"")]
    [InlineData("/v2/models/churn/versions/7/infer", "unknown version \"7\"")]
    public async Task Unknown_models_and_versions_get_404_with_an_error_body(string path, string expected)
    {
        using var response = await _server.PostJsonAsync(path, ExpectedCase.Load("churn", 1)[0].RequestJson());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains(expected, body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await _server.Client.GetAsync("/v2/models/fraud")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _server.Client.GetAsync("/v2/models/fraud/ready")).StatusCode);
    }
}
