using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace ModelOperator.Runtime.Server.Tests;

/// <summary>Bounds on what one request, and all requests together, may make the server hold in memory.</summary>
public sealed class RequestLimitTests
{
    private static string Error(string body) => JsonDocument.Parse(body).RootElement.GetProperty("error").GetString()!;

    [Fact]
    public async Task The_server_wide_body_cap_applies_when_it_is_smaller_than_the_models_limit()
    {
        await using var server = await ServerFixture.StartAsync(o => o with { MaxRequestBodyBytes = 2048 });
        var padded = MalformedRequestCorpus.Good[..^1] + ",\"parameters\":{\"pad\":\"" + new string('x', 3000) + "\"}}";

        using var response = await server.PostJsonAsync(MalformedRequestCorpus.InferPath, padded);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("larger than 2048 bytes", Error(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Contains("MAX_REQUEST_BODY_BYTES", Error(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        using var good = await server.PostJsonAsync(MalformedRequestCorpus.InferPath, MalformedRequestCorpus.Good);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    [Fact]
    public async Task Bodies_beyond_the_buffered_budget_get_503_with_retry_after_until_the_budget_frees()
    {
        await using var server = await ServerFixture.StartAsync(o => o with { MaxBufferedRequestBytes = 4096 });
        var slowBody = new string(' ', 4050 - MalformedRequestCorpus.Good.Length) + MalformedRequestCorpus.Good;
        using var slow = new TcpClient();
        await slow.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port);
        var stream = slow.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST {MalformedRequestCorpus.InferPath} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4050\r\n\r\n{slowBody[..100]}"));
        await Task.Delay(300);

        using var shed = await server.PostJsonAsync(MalformedRequestCorpus.InferPath, MalformedRequestCorpus.Good);
        var shedBody = await shed.Content.ReadAsStringAsync();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(slowBody[100..]));
        var reader = new StreamReader(stream);
        var statusLine = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
        using var after = await server.PostJsonAsync(MalformedRequestCorpus.InferPath, MalformedRequestCorpus.Good);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, shed.StatusCode);
        Assert.Equal("1", shed.Headers.RetryAfter?.ToString());
        Assert.Contains("MAX_BUFFERED_REQUEST_BYTES", Error(shedBody), StringComparison.Ordinal);
        Assert.Equal("HTTP/1.1 200 OK", statusLine);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        var metrics = await server.Client.GetStringAsync("/metrics");
        Assert.Contains("outcome=\"busy\"} 1", metrics, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/xml")]
    [InlineData("text/html")]
    [InlineData("application/x-www-form-urlencoded; charset=utf-16")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("not a media type")]
    public async Task A_body_declared_as_something_other_than_utf8_json_gets_415(string contentType)
    {
        await using var server = await ServerFixture.StartAsync();
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(MalformedRequestCorpus.Good));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var response = await server.Client.PostAsync(MalformedRequestCorpus.InferPath, content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("is not accepted; send the inference request as application/json", Error(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/json")]
    [InlineData("application/json; charset=UTF-8")]
    [InlineData("application/vnd.inference+json")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("text/plain; charset=utf-8")]
    public async Task Utf8_json_or_no_content_type_is_served(string? contentType)
    {
        await using var server = await ServerFixture.StartAsync();
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(MalformedRequestCorpus.Good));
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        using var response = await server.Client.PostAsync(MalformedRequestCorpus.InferPath, content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
