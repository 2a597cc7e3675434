using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ModelOperator.Runtime.Server.Tests;

public sealed class BadInputTests : IAsyncLifetime
{
    private ServerFixture _server = null!;

    public async Task InitializeAsync() => _server = await ServerFixture.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public void The_corpus_holds_at_least_200_malformed_requests_with_distinct_names()
    {
        var cases = MalformedRequestCorpus.All().ToList();

        Assert.True(cases.Count >= 200, $"only {cases.Count} cases");
        Assert.Equal(cases.Count, cases.Select(c => c.Name).Distinct().Count());
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_gets_413_and_the_server_keeps_serving()
    {
        await using var server = await ServerFixture.StartAsync(o => o with { MaxRequestBytes = 4096 });
        var chunked = new PushStreamContent(new string(' ', 10_000) + MalformedRequestCorpus.Good);

        using var response = await server.Client.PostAsync(MalformedRequestCorpus.InferPath, chunked);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("larger than 4096 bytes", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        using var good = await server.PostJsonAsync(MalformedRequestCorpus.InferPath, MalformedRequestCorpus.Good);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    [Fact]
    public async Task Bad_requests_are_counted_by_outcome_in_metrics()
    {
        using (await _server.PostJsonAsync(MalformedRequestCorpus.InferPath, "{"))
        using (await _server.PostJsonAsync("/v2/models/nope/infer", MalformedRequestCorpus.Good))
        using (await _server.PostJsonAsync(MalformedRequestCorpus.InferPath, MalformedRequestCorpus.Good))
        {
        }

        var metrics = await _server.Client.GetStringAsync("/metrics");

        Assert.Contains("modelserver_requests_total{model=\"churn\",version=\"1\",outcome=\"bad_request\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("modelserver_requests_total{model=\"churn\",version=\"1\",outcome=\"not_found\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("modelserver_requests_total{model=\"churn\",version=\"1\",outcome=\"success\"} 1", metrics, StringComparison.Ordinal);
    }

    /// <summary>Content without a length, so that it goes out chunked.</summary>
    private sealed class PushStreamContent(string text) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(text);
            for (var i = 0; i < bytes.Length; i += 1000)
            {
                await stream.WriteAsync(bytes.AsMemory(i, Math.Min(1000, bytes.Length - i)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
