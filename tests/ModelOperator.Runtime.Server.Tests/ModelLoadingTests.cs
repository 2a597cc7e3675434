using ModelOperator.Testing;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ModelOperator.Runtime.Server.Models;

namespace ModelOperator.Runtime.Server.Tests;

public sealed class ModelLoadingTests
{
    internal static readonly string ChurnSha256 = JsonDocument.Parse(File.ReadAllText(
        Path.Combine(AppContext.BaseDirectory, "models", "churn", "1", "expected.json"))).RootElement.GetProperty("sha256").GetString()!;

    internal static async Task AssertNotReadyAsync(ServerFixture server, string reason, string messageFragment)
    {
        Assert.False(server.Settled.Ready);
        Assert.Equal(reason, server.Settled.Reason);

        // Live, but not ready, with the reason on the ready and metadata endpoints.
        Assert.True((await server.GetJsonAsync("/v2/health/live")).GetProperty("live").GetBoolean());
        var ready = await server.GetJsonAsync("/v2/health/ready", 503);
        Assert.False(ready.GetProperty("ready").GetBoolean());
        Assert.Equal(reason, ready.GetProperty("reason").GetString());
        Assert.Contains(messageFragment, ready.GetProperty("message").GetString(), StringComparison.Ordinal);
        var modelReady = await server.GetJsonAsync("/v2/models/churn/ready", 503);
        Assert.Equal(reason, modelReady.GetProperty("reason").GetString());
        var metadata = await server.GetJsonAsync("/v2/models/churn", 503);
        Assert.Equal(reason, metadata.GetProperty("reason").GetString());
        Assert.Contains(reason, metadata.GetProperty("error").GetString(), StringComparison.Ordinal);

        // Nothing is served.
        using var infer = await server.PostJsonAsync(MalformedRequestCorpus.InferPath, MalformedRequestCorpus.Good);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, infer.StatusCode);

        // And the reason is in metrics.
        var metrics = await server.Client.GetStringAsync("/metrics");
        Assert.Contains($"modelserver_model_load_failures_total{{model=\"churn\",version=\"1\",reason=\"{reason}\"}} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("modelserver_model_ready{model=\"churn\",version=\"1\"} 0", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_matching_sha256_is_served()
    {
        await using var server = await ServerFixture.StartAsync(o => o with { ModelSha256 = ChurnSha256 });

        Assert.True(server.Settled.Ready, server.Settled.Message);
        var metrics = await server.Client.GetStringAsync("/metrics");
        Assert.Contains($"sha256=\"{ChurnSha256}\"", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sha256_mismatch_is_never_served()
    {
        await using var server = await ServerFixture.StartAsync(o => o with { ModelSha256 = new string('0', 64) });

        await AssertNotReadyAsync(server, ModelLoadReason.ChecksumMismatch, ChurnSha256);
    }

    [Fact]
    public async Task A_missing_file_is_reported_as_ModelNotFound()
    {
        await using var server = await ServerFixture.StartAsync(o => o with { ModelUri = "/nonexistent/model.onnx" });

        await AssertNotReadyAsync(server, ModelLoadReason.ModelNotFound, "/nonexistent/model.onnx does not exist");
    }

    [Fact]
    public async Task A_file_uri_is_accepted()
    {
        await using var server = await ServerFixture.StartAsync(o => o with { ModelUri = new Uri(ServerFixture.ModelPath("churn", 1)).AbsoluteUri });

        Assert.True(server.Settled.Ready, server.Settled.Message);
    }

    [Fact]
    public async Task A_file_that_is_not_a_model_is_reported_as_InvalidModel()
    {
        var path = Path.Combine(Path.GetTempPath(), $"not-a-model-{Guid.NewGuid():N}.onnx");
        await File.WriteAllTextAsync(path, "this is not protobuf");
        try
        {
            await using var server = await ServerFixture.StartAsync(o => o with { ModelUri = path });

            await AssertNotReadyAsync(server, ModelLoadReason.InvalidModel, "ONNX Runtime could not load");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task An_unsupported_scheme_is_reported_as_UnsupportedUri()
    {
        await using var server = await ServerFixture.StartAsync(o => o with { ModelUri = "ftp://example.invalid/model.onnx" });

        await AssertNotReadyAsync(server, ModelLoadReason.UnsupportedUri, "scheme \"ftp\" is not supported");
    }

    [Fact]
    public async Task An_http_model_is_downloaded_after_a_transient_failure_and_verified()
    {
        var calls = 0;
        await using var origin = await FileOrigin.StartAsync(context =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                context.Response.StatusCode = 503;
                return Task.CompletedTask;
            }

            return context.Response.SendFileAsync(ServerFixture.ModelPath("churn", 1));
        });

        await using var server = await ServerFixture.StartAsync(o => o with { ModelUri = origin.Url("/models/churn.onnx"), ModelSha256 = ChurnSha256 });

        Assert.True(server.Settled.Ready, server.Settled.Message);
        Assert.Equal(2, calls);
        using var infer = await server.PostJsonAsync(MalformedRequestCorpus.InferPath, MalformedRequestCorpus.Good);
        Assert.Equal(HttpStatusCode.OK, infer.StatusCode);
    }

    [Fact]
    public async Task An_http_404_is_ModelNotFound_without_retrying()
    {
        var calls = 0;
        await using var origin = await FileOrigin.StartAsync(context =>
        {
            Interlocked.Increment(ref calls);
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        });

        await using var server = await ServerFixture.StartAsync(o => o with { ModelUri = origin.Url("/missing.onnx") });

        await AssertNotReadyAsync(server, ModelLoadReason.ModelNotFound, "answered 404");
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task An_http_model_that_keeps_failing_is_DownloadFailed_after_the_bounded_attempts()
    {
        var calls = 0;
        await using var origin = await FileOrigin.StartAsync(context =>
        {
            Interlocked.Increment(ref calls);
            context.Response.StatusCode = 500;
            return Task.CompletedTask;
        });

        await using var server = await ServerFixture.StartAsync(o => o with { ModelUri = origin.Url("/broken.onnx"), DownloadAttempts = 2 });

        await AssertNotReadyAsync(server, ModelLoadReason.DownloadFailed, "after 2 attempts");
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task An_s3_model_is_fetched_path_style_from_an_s3_compatible_endpoint()
    {
        string? requestedPath = null;
        string? authorization = null;
        await using var origin = await FileOrigin.StartAsync(context =>
        {
            requestedPath = context.Request.Path.Value;
            authorization = context.Request.Headers.Authorization;
            context.Response.ContentType = "application/octet-stream";
            context.Response.ContentLength = new FileInfo(ServerFixture.ModelPath("churn", 1)).Length; // as S3 always sends
            return context.Response.SendFileAsync(ServerFixture.ModelPath("churn", 1));
        });
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "test-access-key");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "test-secret-key");

        await using var server = await ServerFixture.StartAsync(o => o with
        {
            ModelUri = "s3://models/churn/1/model.onnx",
            S3Endpoint = origin.Url(string.Empty),
            ModelSha256 = ChurnSha256,
        });

        Assert.True(server.Settled.Ready, server.Settled.Message);
        Assert.Equal("/models/churn/1/model.onnx", requestedPath);
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=test-access-key/", authorization, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_with_external_data_is_refused_as_UnsupportedModel_naming_the_file()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Models", "external", "model.onnx");

        await using var server = await ServerFixture.StartAsync(o => o with { ModelUri = path });

        await AssertNotReadyAsync(server, ModelLoadReason.UnsupportedModel, "external data file \"weights.bin\"");
    }

    [Fact]
    public async Task A_local_model_over_the_size_limit_is_refused_as_ModelTooLarge()
    {
        await using var server = await ServerFixture.StartAsync(o => o with { MaxModelBytes = 1024 });

        await AssertNotReadyAsync(server, ModelLoadReason.ModelTooLarge, "more than the 1024 bytes allowed (MAX_MODEL_BYTES)");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_download_over_the_size_limit_stops_and_is_refused_as_ModelTooLarge(bool declared)
    {
        await using var origin = await FileOrigin.StartAsync(async context =>
        {
            if (declared)
            {
                context.Response.ContentLength = 1L << 30;
            }

            var chunk = new byte[64 * 1024];
            for (var i = 0; i < (1 << 14) && !context.RequestAborted.IsCancellationRequested; i++)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        });

        await using var server = await ServerFixture.StartAsync(o => o with { ModelUri = origin.Url("/huge.onnx"), MaxModelBytes = 1L << 20 });

        await AssertNotReadyAsync(server, ModelLoadReason.ModelTooLarge, "MAX_MODEL_BYTES");
        Assert.Empty(Directory.Exists(server.Options.CacheDirectory)
            ? Directory.GetFiles(server.Options.CacheDirectory).Where(f => new FileInfo(f).Length > 1L << 20)
            : []);
    }

    [Fact]
    public async Task Credentials_in_the_model_uri_never_reach_answers_or_logs()
    {
        await using var origin = await FileOrigin.StartAsync(context =>
        {
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        });
        var uri = origin.Url("/m.onnx?X-Amz-Signature=topsecret").Replace("http://", "http://alice:hunter2@", StringComparison.Ordinal);
        var logs = new System.Collections.Concurrent.ConcurrentQueue<string>();

        await using var server = await ServerFixture.StartAsync(o => o with { ModelUri = uri, ProfileUri = uri }, logs);

        await AssertNotReadyAsync(server, ModelLoadReason.ModelNotFound, "http://***@127.0.0.1:");
        var answers = string.Join('\n', await Task.WhenAll(
            server.Client.GetStringAsync("/metrics"),
            Body(server, "/v2/health/ready"),
            Body(server, "/v2/models/churn"),
            Body(server, "/v2/models/churn/ready"),
            server.PostJsonAsync(MalformedRequestCorpus.InferPath, MalformedRequestCorpus.Good).ContinueWith(t => t.Result.Content.ReadAsStringAsync()).Unwrap()));
        var logged = string.Join('\n', logs);

        Assert.Contains("/m.onnx?***", answers, StringComparison.Ordinal);
        Assert.Contains("http://***@127.0.0.1:", logged, StringComparison.Ordinal);
        foreach (var secret in new[] { "hunter2", "alice", "topsecret", "X-Amz-Signature" })
        {
            Assert.DoesNotContain(secret, answers, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, logged, StringComparison.Ordinal);
        }
    }

    private static async Task<string> Body(ServerFixture server, string path)
    {
        using var response = await server.Client.GetAsync(path);
        return await response.Content.ReadAsStringAsync();
    }
}
