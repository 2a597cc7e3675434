using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ModelOperator.Runtime.Server.Tests;

/// <summary>
/// Request bodies compressed the way Triton's HTTP client compresses them (<c>request_compression_algorithm</c>
/// "gzip" or "deflate", the latter in the zlib format), in JSON and in the binary data extension; bodies that
/// inflate past the limit; codings the server does not decode. Each is followed by a good request.
/// </summary>
public sealed class CompressedRequestTests : IAsyncLifetime
{
    private ServerFixture _server = null!;

    public async Task InitializeAsync() => _server = await ServerFixture.StartAsync(o => o with { MaxRequestBodyBytes = 64 * 1024 });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string Error(string body) => JsonDocument.Parse(body).RootElement.GetProperty("error").GetString()!;

    internal static byte[] Compress(byte[] body, string coding)
    {
        using var output = new MemoryStream();
        using (Stream encoder = coding == "gzip" ? new GZipStream(output, CompressionLevel.SmallestSize) : new ZLibStream(output, CompressionLevel.SmallestSize))
        {
            encoder.Write(body);
        }

        return output.ToArray();
    }

    private Task<HttpResponseMessage> PostAsync(byte[] body, string? coding, string? contentType = "application/json", long headerLength = -1)
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (coding is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Encoding", coding);
        }

        var message = new HttpRequestMessage(HttpMethod.Post, MalformedRequestCorpus.InferPath) { Content = content };
        if (headerLength >= 0)
        {
            message.Headers.TryAddWithoutValidation("Inference-Header-Content-Length", headerLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return _server.Client.SendAsync(message);
    }

    private async Task<string> PlainAnswerAsync()
    {
        using var plain = await PostAsync(Encoding.UTF8.GetBytes(MalformedRequestCorpus.Good), coding: null);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        return await plain.Content.ReadAsStringAsync();
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("GZIP")]
    [InlineData("x-gzip")]
    [InlineData("identity, gzip")]
    public async Task A_compressed_json_body_gets_the_same_answer_as_the_plain_one(string coding)
    {
        var compressed = Compress(Encoding.UTF8.GetBytes(MalformedRequestCorpus.Good), coding.Contains("deflate", StringComparison.Ordinal) ? "deflate" : "gzip");

        using var response = await PostAsync(compressed, coding);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(await PlainAnswerAsync(), await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    public async Task A_compressed_binary_body_counts_its_header_length_in_decoded_bytes_as_tritons_client_does(string coding)
    {
        // tritonclient sends no Content-Type, the JSON length before compression, and the compressed body.
        var json = Encoding.UTF8.GetBytes(BinaryRequestCorpus.Header() [..^1] + ""","outputs":[{"name":"churn_probability","parameters":{"binary_data":true}}]}""");
        var compressed = Compress([.. json, .. BinaryRequestCorpus.Row], coding);

        using var response = await PostAsync(compressed, coding, contentType: null, headerLength: json.Length);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        var answer = await response.Content.ReadAsByteArrayAsync();
        var headerLength = int.Parse(response.Headers.GetValues("Inference-Header-Content-Length").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(headerLength + 4, answer.Length);
        var expected = JsonDocument.Parse(await PlainAnswerAsync()).RootElement.GetProperty("outputs")[0].GetProperty("data")[0].GetSingle();
        Assert.Equal(expected, BitConverter.ToSingle(answer, headerLength));
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    public async Task A_body_that_inflates_past_the_limit_gets_413_and_the_next_request_works(string coding)
    {
        // 16 MiB of spaces before a valid request: under the 64 KiB limit compressed, 256 times it decoded.
        var padding = new byte[16 << 20];
        Array.Fill(padding, (byte)' ');
        var bomb = Compress([.. padding, .. Encoding.UTF8.GetBytes(MalformedRequestCorpus.Good)], coding);
        Assert.True(bomb.Length < 64 * 1024, $"{bomb.Length} bytes compressed");

        using (var response = await PostAsync(bomb, coding))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Contains("decompresses to more than 65536 bytes", Error(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }

        await PlainAnswerAsync();
    }

    [Fact]
    public async Task A_body_that_inflates_to_exactly_the_limit_is_served()
    {
        var good = Encoding.UTF8.GetBytes(MalformedRequestCorpus.Good);
        var padded = Compress([.. Enumerable.Repeat((byte)' ', (64 * 1024) - good.Length), .. good], "gzip");

        using var response = await PostAsync(padded, "gzip");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Decoding_reserves_its_buffer_in_the_buffered_budget_and_answers_503_when_it_is_full()
    {
        // A 300-byte body that inflates to 60 KiB, within the request limit but past an 8 KiB budget.
        await using var server = await ServerFixture.StartAsync(o => o with { MaxRequestBodyBytes = 64 * 1024, MaxBufferedRequestBytes = 8 * 1024 });
        var good = Encoding.UTF8.GetBytes(MalformedRequestCorpus.Good);
        var body = new ByteArrayContent(Compress([.. Enumerable.Repeat((byte)' ', 60 * 1024), .. good], "gzip"));
        body.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        body.Headers.ContentEncoding.Add("gzip");

        using (var response = await server.Client.PostAsync(MalformedRequestCorpus.InferPath, body))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("1", response.Headers.RetryAfter?.ToString());
            Assert.Contains("MAX_BUFFERED_REQUEST_BYTES", Error(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }

        // Everything reserved was given back: a small compressed request fits again.
        var small = new ByteArrayContent(Compress(good, "gzip"));
        small.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        small.Headers.ContentEncoding.Add("gzip");
        using var after = await server.Client.PostAsync(MalformedRequestCorpus.InferPath, small);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Theory]
    [InlineData("gzip", "not gzip at all", "not valid gzip data")]
    [InlineData("deflate", "not zlib either", "not valid deflate (zlib) data")]
    public async Task A_body_that_is_not_what_its_coding_says_gets_400_and_the_next_request_works(string coding, string body, string fragment)
    {
        using (var response = await PostAsync(Encoding.UTF8.GetBytes(body), coding))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(fragment, Error(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }

        await PlainAnswerAsync();
    }

    [Fact]
    public async Task A_truncated_gzip_body_gets_400()
    {
        var compressed = Compress(Encoding.UTF8.GetBytes(MalformedRequestCorpus.Good), "gzip");

        using var response = await PostAsync(compressed[..(compressed.Length / 2)], "gzip");

        // The decoder may notice the missing end or hand over a JSON prefix: either way a 400 that says why.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Matches("not valid gzip data|malformed JSON", Error(await response.Content.ReadAsStringAsync()));
    }

    [Theory]
    [InlineData("br", "\"br\" is not supported")]
    [InlineData("compress", "\"compress\" is not supported")]
    [InlineData("zstd", "\"zstd\" is not supported")]
    [InlineData("gzip, gzip", "applies 2 codings")]
    public async Task A_coding_the_server_does_not_decode_gets_415_with_accept_encoding(string coding, string fragment)
    {
        using (var response = await PostAsync(Encoding.UTF8.GetBytes(MalformedRequestCorpus.Good), coding))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
            var error = Error(await response.Content.ReadAsStringAsync());
            Assert.Contains(fragment, error, StringComparison.Ordinal);
            Assert.Contains("gzip, deflate", error, StringComparison.Ordinal);
            Assert.Equal("gzip, deflate", string.Join(", ", response.Headers.GetValues("Accept-Encoding")));
        }

        await PlainAnswerAsync();
    }

    [Fact]
    public async Task Accept_encoding_from_tritons_client_gets_an_identity_answer_it_can_read()
    {
        // HTTP lets a server answer uncompressed whatever Accept-Encoding says (identity is always
        // acceptable unless refused with q=0); tritonclient decompresses only when Content-Encoding says so.
        using var message = new HttpRequestMessage(HttpMethod.Post, MalformedRequestCorpus.InferPath)
        {
            Content = new StringContent(MalformedRequestCorpus.Good, Encoding.UTF8, "application/json"),
        };
        message.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");

        using var response = await _server.Client.SendAsync(message);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal(await PlainAnswerAsync(), await response.Content.ReadAsStringAsync());
    }
}
