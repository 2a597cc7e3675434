using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace ModelOperator.Runtime.Server.Tests;

/// <summary>What the server answers to requests that routing or the transport refuse, and to clients that go away.</summary>
public sealed class HostileHttpTests : IAsyncLifetime
{
    private ServerFixture _server = null!;

    public async Task InitializeAsync() => _server = await ServerFixture.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string Error(string body) => JsonDocument.Parse(body).RootElement.GetProperty("error").GetString()!;

    [Theory]
    [InlineData("GET", "/v2/nope")]
    [InlineData("POST", "/v2/models/churn/infer/extra")]
    [InlineData("GET", "/v2/models/churn/versions/1/infer/x")]
    [InlineData("DELETE", "/nothing")]
    public async Task An_unknown_path_answers_404_with_a_json_error(string method, string path)
    {
        using var response = await _server.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"no endpoint {method} {path}", Error(body), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/v2/models/churn/infer", "POST")]
    [InlineData("PUT", "/v2/models/churn/infer", "POST")]
    [InlineData("OPTIONS", "/v2/models/churn/infer", "POST")]
    [InlineData("POST", "/v2/health/ready", "GET, HEAD")]
    [InlineData("DELETE", "/v2/models/churn", "GET, HEAD")]
    [InlineData("OPTIONS", "/v2", "GET, HEAD")]
    [InlineData("PATCH", "/metrics", "GET, HEAD")]
    public async Task A_wrong_method_answers_405_with_allow_and_a_json_error(string method, string path, string allow)
    {
        using var response = await _server.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(allow, string.Join(", ", response.Content.Headers.Allow));
        Assert.Contains($"method {method} is not allowed on {path}; allowed: {allow}", Error(body), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v2")]
    [InlineData("/v2/health/live")]
    [InlineData("/v2/health/ready")]
    [InlineData("/v2/models/churn")]
    [InlineData("/v2/models/churn/ready")]
    [InlineData("/v2/models/churn/versions/1/stats")]
    public async Task Head_on_a_get_endpoint_has_the_status_and_headers_of_get_and_no_body(string path)
    {
        using var get = await _server.Client.GetAsync(path);
        var getBody = await get.Content.ReadAsByteArrayAsync();
        var head = (await RawHttp.SendAsync(_server.BaseAddress, $"HEAD {path} HTTP/1.1\r\nHost: x\r\n\r\n", head: true)).Single();

        Assert.Equal((int)get.StatusCode, head.Status);
        Assert.Equal("application/json", head.Header("content-type"));
        Assert.Equal(getBody.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), head.Header("content-length"));
        Assert.Equal(string.Empty, head.Body);
        using var after = await _server.Client.GetAsync("/v2/health/live");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Theory]
    [InlineData("80000000")]
    [InlineData("ffffffffffffffffff")]
    [InlineData("zz")]
    [InlineData("-1")]
    [InlineData("")]
    [InlineData("8;" + "x")]
    public async Task A_bad_chunk_size_answers_400_with_a_json_error(string size)
    {
        var request = $"POST {MalformedRequestCorpus.InferPath} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{size}\r\n{{\"inputs\":[]}}\r\n0\r\n\r\n";

        var response = (await RawHttp.SendAsync(_server.BaseAddress, request)).Single();

        Assert.Equal(400, response.Status);
        Assert.False(string.IsNullOrEmpty(Error(response.Body)));
        using var good = await _server.PostJsonAsync(MalformedRequestCorpus.InferPath, MalformedRequestCorpus.Good);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_client_that_disconnects_mid_body_is_counted_as_a_client_abort_not_an_error(bool reset)
    {
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(_server.BaseAddress.Host, _server.BaseAddress.Port);
            var head = $"POST {MalformedRequestCorpus.InferPath} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"inputs\":[";
            await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(head));
            await Task.Delay(200);
            if (reset)
            {
                client.Client.LingerState = new LingerOption(true, 0); // a reset, as from a crashed client
            }
        }

        var metrics = string.Empty;
        for (var i = 0; i < 100 && !metrics.Contains("outcome=\"client_aborted\"} 1", StringComparison.Ordinal); i++)
        {
            await Task.Delay(50);
            metrics = await _server.Client.GetStringAsync("/metrics");
        }

        var counts = string.Join('\n', metrics.Split('\n').Where(l => l.StartsWith("modelserver_requests_total{", StringComparison.Ordinal)));
        Assert.True(counts.Contains("outcome=\"client_aborted\"} 1", StringComparison.Ordinal), counts);
        Assert.Contains("outcome=\"error\"} 0", counts, StringComparison.Ordinal);
        Assert.Contains("outcome=\"bad_request\"} 0", counts, StringComparison.Ordinal);
    }
}
