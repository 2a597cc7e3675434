using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Xunit.Abstractions;

namespace ModelOperator.Runtime.Server.Tests;

/// <summary>
/// Sends the generated hostile corpus to one running server, several cases at a time, each
/// followed by a good request: every case must get the 4xx it expects with a JSON error, none
/// may hang past its deadline, and every good request after it must succeed.
/// </summary>
public sealed class HostileCorpusTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private ServerFixture _server = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await ServerFixture.StartAsync();
        _client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = _server.BaseAddress, Timeout = Deadline };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public void The_corpus_holds_at_least_2000_cases_with_distinct_names_in_every_family()
    {
        var cases = HostileRequestCorpus.All().ToList();

        Assert.True(cases.Count >= 2000, $"only {cases.Count} cases");
        Assert.Equal(cases.Count, cases.Select(c => c.ToString()).Distinct().Count());
        foreach (var family in new[] { "legacy", "truncation", "corruption", "wrong type", "shape", "string", "method", "path", "content type", "body size", "garbage", "pipelined" })
        {
            Assert.Contains(cases, c => c.Family == family);
        }
    }

    [Fact]
    public async Task Both_valid_requests_the_corpus_corrupts_are_served()
    {
        foreach (var body in new[] { MalformedRequestCorpus.Good, HostileRequestCorpus.Rich })
        {
            using var response = await _server.PostJsonAsync(HostileRequestCorpus.InferPath, body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Every_hostile_request_gets_its_4xx_with_a_json_error_and_the_next_good_request_succeeds()
    {
        var cases = HostileRequestCorpus.All().ToList();
        var failures = new ConcurrentQueue<string>();
        var bodiless = 0;
        var started = Stopwatch.GetTimestamp();

        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (@case, _) =>
        {
            try
            {
                var problem = @case.Raw is null ? await SendAsync(@case) : await SendRawAsync(@case);
                if (problem is not null)
                {
                    failures.Enqueue($"{@case}: {problem}");
                }

                if (!@case.JsonError)
                {
                    Interlocked.Increment(ref bodiless);
                }

                using var good = await _server.PostJsonAsync(HostileRequestCorpus.InferPath, MalformedRequestCorpus.Good).WaitAsync(Deadline);
                if (good.StatusCode != HttpStatusCode.OK)
                {
                    failures.Enqueue($"{@case}: the good request after it got {(int)good.StatusCode}");
                }
            }
            catch (Exception ex) when (ex is TimeoutException or TaskCanceledException or OperationCanceledException or HttpRequestException or IOException)
            {
                failures.Enqueue($"{@case}: {ex.GetType().Name} {ex.Message}");
            }
        });

        var elapsed = Stopwatch.GetElapsedTime(started);
        output.WriteLine($"{cases.Count} hostile cases ({bodiless} refused by Kestrel before a request exists), {failures.Count} failures, {elapsed.TotalSeconds:0.0} s");
        foreach (var family in cases.GroupBy(c => c.Family))
        {
            output.WriteLine($"  {family.Key}: {family.Count()}");
        }

        Assert.True(failures.IsEmpty, $"{failures.Count} of {cases.Count} failed:\n" + string.Join('\n', failures.Take(80)));
    }

    private async Task<string?> SendAsync(HostileCase @case)
    {
        using var request = new HttpRequestMessage(new HttpMethod(@case.Method), @case.Path);
        if (@case.Body.Length > 0 || @case.ContentType is not null)
        {
            request.Content = new ByteArrayContent(@case.Body);
            if (@case.ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", @case.ContentType);
            }
        }

        using var response = await _client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        return Check(@case.Statuses[0], (int)response.StatusCode, @case.Method == "HEAD" ? null : body, mediaType, @case.JsonError, @case.Fragment);
    }

    private async Task<string?> SendRawAsync(HostileCase @case)
    {
        var answers = await RawHttp.SendAsync(_server.BaseAddress, @case.Raw!, @case.Statuses.Length);
        if (answers.Count != @case.Statuses.Length)
        {
            return $"{answers.Count} answers, expected {@case.Statuses.Length} ({string.Join(", ", answers.Select(a => a.Status))})";
        }

        for (var i = 0; i < answers.Count; i++)
        {
            var json = @case.JsonError || answers[i].Status == 200;
            if (Check(@case.Statuses[i], answers[i].Status, answers[i].Body, answers[i].Header("content-type"), json, i == 0 ? @case.Fragment : null) is { } problem)
            {
                return $"answer {i}: {problem}";
            }
        }

        return null;
    }

    private static string? Check(int? expected, int status, string? body, string? mediaType, bool json, string? fragment)
    {
        var shown = body is null ? string.Empty : body[..Math.Min(body.Length, 200)];
        if (expected is { } want ? status != want : status is < 400 or > 499)
        {
            return $"status {status}, expected {expected?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "4xx"}: {shown}";
        }

        if (!json || status == 200)
        {
            return null;
        }

        if (mediaType is null || !mediaType.StartsWith("application/json", StringComparison.Ordinal))
        {
            return $"status {status} with content type {mediaType ?? "(none)"}: {shown}";
        }

        if (body is null)
        {
            return null; // HEAD: headers as GET, no body
        }

        try
        {
            var error = JsonDocument.Parse(body).RootElement.GetProperty("error").GetString();
            if (string.IsNullOrEmpty(error))
            {
                return $"status {status} with an empty error";
            }

            return fragment is not null && !error.Contains(fragment, StringComparison.Ordinal) ? $"error \"{error}\" does not name \"{fragment}\"" : null;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return $"status {status} without a JSON error: {shown}";
        }
    }
}
