using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ModelOperator.Runtime.Server.Tests;

/// <summary>
/// The binary data extension's bad-input corpus against one server, eight at a time, each case
/// followed by a good binary request: every case gets its status with a JSON error naming the
/// problem, and the server keeps serving.
/// </summary>
public sealed class BinaryBadInputTests : IAsyncLifetime
{
    private ServerFixture _server = null!;

    public async Task InitializeAsync() => _server = await ServerFixture.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public void The_binary_corpus_holds_at_least_200_cases_with_distinct_names()
    {
        var cases = BinaryRequestCorpus.All().ToList();

        Assert.True(cases.Count >= 200, $"only {cases.Count} cases");
        Assert.Equal(cases.Count, cases.Select(c => c.Name).Distinct().Count());
    }

    [Fact]
    public async Task Every_malformed_binary_request_gets_its_error_and_the_next_good_one_is_served()
    {
        var failures = new ConcurrentQueue<string>();

        await Parallel.ForEachAsync(BinaryRequestCorpus.All(), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (@case, _) =>
        {
            using (var response = await SendAsync(@case))
            {
                var text = await response.Content.ReadAsStringAsync();
                var error = TryError(text);
                if ((int)response.StatusCode != @case.Status || error is null || !error.Contains(@case.Fragment, StringComparison.Ordinal))
                {
                    failures.Enqueue($"{@case.Name}: {(int)response.StatusCode} {text}");
                }
            }

            using var good = await SendAsync(BinaryRequestCorpus.Good);
            if (good.StatusCode != HttpStatusCode.OK)
            {
                failures.Enqueue($"good request after {@case.Name}: {(int)good.StatusCode} {await good.Content.ReadAsStringAsync()}");
            }
        });

        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(20)));
    }

    [Fact]
    public async Task A_binary_body_over_the_size_limit_gets_413()
    {
        await using var server = await ServerFixture.StartAsync(o => o with { MaxRequestBytes = 1024 });
        var rows = 64;
        var json = Encoding.UTF8.GetBytes(BinaryRequestCorpus.Header(32 * rows).Replace("[1,8]", $"[{rows},8]", StringComparison.Ordinal));
        var body = new BinaryCase("big", [.. json, .. Enumerable.Repeat(BinaryRequestCorpus.Row, rows).SelectMany(r => r)], json.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), BinaryRequestCorpus.OctetStream, 413, string.Empty);

        using var response = await SendAsync(body, server);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("larger than 1024 bytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private Task<HttpResponseMessage> SendAsync(BinaryCase @case, ServerFixture? server = null)
    {
        var content = new ByteArrayContent(@case.Body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(@case.ContentType);
        var message = new HttpRequestMessage(HttpMethod.Post, MalformedRequestCorpus.InferPath) { Content = content };
        if (@case.HeaderLength is not null)
        {
            message.Headers.TryAddWithoutValidation("Inference-Header-Content-Length", @case.HeaderLength);
        }

        return (server ?? _server).Client.SendAsync(message);
    }

    private static string? TryError(string text)
    {
        try
        {
            return JsonDocument.Parse(text).RootElement.GetProperty("error").GetString();
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }
}
