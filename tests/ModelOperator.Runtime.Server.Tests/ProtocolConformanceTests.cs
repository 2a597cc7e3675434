using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ModelOperator.Runtime.Server.Tests;

/// <summary>
/// Where the REST surface could answer differently from the Open Inference Protocol and from what
/// Triton's and KServe's clients send and expect: the extensions the server reports, parameters of
/// extensions it lacks, requests shaped as tritonclient shapes them, and HTTP details (Expect, trailing slashes).
/// </summary>
public sealed class ProtocolConformanceTests : IAsyncLifetime
{
    private const string Input = """{"name":"features","shape":[1,8],"datatype":"FP32","data":[35,28.72,5,1,5,14,0,4]}""";

    private ServerFixture _server = null!;

    public async Task InitializeAsync() => _server = await ServerFixture.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string Error(string body) => JsonDocument.Parse(body).RootElement.GetProperty("error").GetString()!;

    [Fact]
    public async Task Server_metadata_reports_the_binary_tensor_data_extension_by_tritons_name()
    {
        var metadata = await _server.GetJsonAsync("/v2");

        Assert.Equal(["binary_tensor_data"], metadata.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()));
    }

    [Theory]
    [InlineData("""{"inputs":[INPUT],"outputs":[{"name":"churn_probability","parameters":{"classification":2}}]}""", "requested output \"churn_probability\" has parameters.classification, but this server does not implement the classification extension")]
    [InlineData("""{"inputs":[INPUT],"outputs":[{"parameters":{"binary_data":true,"classification":1},"name":"churn_probability"}]}""", "requested output \"churn_probability\" has parameters.classification")]
    [InlineData("""{"inputs":[INPUT],"outputs":[{"name":"churn_probability","parameters":{"shared_memory_region":"out0","shared_memory_byte_size":4}}]}""", "requested output \"churn_probability\" has parameters.shared_memory_region, but this server does not implement the shared-memory extensions")]
    [InlineData("""{"inputs":[{"name":"features","shape":[1,8],"datatype":"FP32","parameters":{"shared_memory_region":"in0","shared_memory_byte_size":32}}]}""", "input \"features\" has parameters.shared_memory_region, but this server does not implement the shared-memory extensions")]
    [InlineData("""{"inputs":[{"parameters":{"shared_memory_offset":0},"name":"features","shape":[1,8],"datatype":"FP32","data":[1,2,3,4,5,6,7,8]}]}""", "input \"features\" has parameters.shared_memory_offset")]
    public async Task A_parameter_of_an_extension_the_server_lacks_is_a_400_naming_it_not_a_silent_ignore(string body, string fragment)
    {
        using (var response = await _server.PostJsonAsync(MalformedRequestCorpus.InferPath, body.Replace("INPUT", Input, StringComparison.Ordinal)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(fragment, Error(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }

        using var good = await _server.PostJsonAsync(MalformedRequestCorpus.InferPath, MalformedRequestCorpus.Good);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    [Fact]
    public async Task Tritons_request_parameters_for_sequences_priority_and_timeout_are_ignored_as_the_protocol_allows()
    {
        // What tritonclient's infer(sequence_id=, priority=, timeout=, request_id=) puts in the body.
        var body = $$$"""{"id":"7","parameters":{"sequence_id":42,"sequence_start":true,"sequence_end":false,"priority":1,"timeout":1000000},"inputs":[{{{Input}}}],"outputs":[{"name":"churn_probability","parameters":{"binary_data":false}}]}""";

        using var response = await _server.PostJsonAsync(MalformedRequestCorpus.InferPath, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("7", answer.GetProperty("id").GetString());
        Assert.Equal(1, answer.GetProperty("outputs")[0].GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task A_binary_request_without_content_type_as_tritonclient_sends_it_is_served()
    {
        var json = Encoding.UTF8.GetBytes(BinaryRequestCorpus.Header());
        var content = new ByteArrayContent([.. json, .. BinaryRequestCorpus.Row]);
        using var message = new HttpRequestMessage(HttpMethod.Post, MalformedRequestCorpus.InferPath) { Content = content };
        message.Headers.TryAddWithoutValidation("Inference-Header-Content-Length", json.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));

        using var response = await _server.Client.SendAsync(message);

        Assert.Null(message.Content.Headers.ContentType);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Expect_100_continue_as_curl_sends_it_for_larger_bodies_is_served()
    {
        // HttpClient waits for the interim 100 before it sends the body, as curl does above 1 KiB.
        var padded = MalformedRequestCorpus.Good[..^1] + ",\"parameters\":{\"pad\":\"" + new string('x', 2000) + "\"}}";
        using var message = new HttpRequestMessage(HttpMethod.Post, MalformedRequestCorpus.InferPath)
        {
            Content = new StringContent(padded, Encoding.UTF8, "application/json"),
        };
        message.Headers.ExpectContinue = true;

        using var response = await _server.Client.SendAsync(message);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Expect_100_continue_over_the_limit_gets_413_without_the_body_being_sent()
    {
        var request = $"POST {MalformedRequestCorpus.InferPath} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 100000000\r\n\r\n";

        var answers = await RawHttp.SendAsync(_server.BaseAddress, request);

        Assert.Equal(413, answers.Single().Status);
        Assert.Contains("larger than", Error(answers[0].Body), StringComparison.Ordinal);
        using var good = await _server.PostJsonAsync(MalformedRequestCorpus.InferPath, MalformedRequestCorpus.Good);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    [Theory]
    [InlineData("/v2/")]
    [InlineData("/v2/health/live/")]
    [InlineData("/v2/health/ready/")]
    [InlineData("/v2/models/churn/")]
    [InlineData("/v2/models/churn/ready/")]
    [InlineData("/v2/models/churn/versions/1/")]
    public async Task A_trailing_slash_reaches_the_same_endpoint(string path)
    {
        using var withSlash = await _server.Client.GetAsync(path);
        using var without = await _server.Client.GetAsync(path.TrimEnd('/'));

        Assert.Equal(HttpStatusCode.OK, withSlash.StatusCode);
        Assert.Equal(await without.Content.ReadAsStringAsync(), await withSlash.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_trailing_slash_on_the_infer_path_is_served()
    {
        using var response = await _server.PostJsonAsync(MalformedRequestCorpus.InferPath + "/", MalformedRequestCorpus.Good);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Model_metadata_has_the_shape_clients_parse()
    {
        // KServe's and Triton's clients read name, versions, platform, and inputs/outputs of name, datatype, shape.
        var metadata = await _server.GetJsonAsync("/v2/models/churn/versions/1");

        Assert.Equal("churn", metadata.GetProperty("name").GetString());
        Assert.Equal(["1"], metadata.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("onnxruntime_onnx", metadata.GetProperty("platform").GetString());
        var input = metadata.GetProperty("inputs")[0];
        Assert.Equal(("features", "FP32"), (input.GetProperty("name").GetString(), input.GetProperty("datatype").GetString()));
        Assert.Equal([-1L, 8L], input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal(JsonValueKind.Array, metadata.GetProperty("outputs").ValueKind);
    }

    [Fact]
    public async Task An_empty_batch_gets_an_empty_answer()
    {
        // Zero rows is a valid tensor in the protocol; the answer has zero rows too.
        using var response = await _server.PostJsonAsync(MalformedRequestCorpus.InferPath, """{"inputs":[{"name":"features","shape":[0,8],"datatype":"FP32","data":[]}]}""");

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var output = JsonDocument.Parse(text).RootElement.GetProperty("outputs")[0];
        Assert.Equal(0, output.GetProperty("shape")[0].GetInt64());
        Assert.Equal(0, output.GetProperty("data").GetArrayLength());
    }
}
