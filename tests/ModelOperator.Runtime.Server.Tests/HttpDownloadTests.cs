using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.Runtime.Server.Hosting;
using ModelOperator.Runtime.Server.Models;
using ModelOperator.Testing;

namespace ModelOperator.Runtime.Server.Tests;

/// <summary>http(s):// downloads: a header from a Secret, redirects only to https and bounded, nothing partial left.</summary>
public sealed class HttpDownloadTests
{
    private const string Token = "Bearer token-s3cr3t-from-the-Secret";

    private static ServerOptions WithHeader(ServerOptions o, string uri, string? value) => o with
    {
        ModelUri = uri,
        ModelSha256 = ModelLoadingTests.ChurnSha256,
        HttpHeaderName = "Authorization",
        HttpHeaderValue = value is null ? null : new SecretText(value),
        HttpHeaderSecret = "model-token",
        DownloadAttempts = 1,
    };

    // A model host that serves only to the right token.
    private static Task<FileOrigin> TokenOriginAsync(ConcurrentQueue<string?> seen) => FileOrigin.StartAsync(context =>
    {
        seen.Enqueue(context.Request.Headers.Authorization.FirstOrDefault());
        if (context.Request.Headers.Authorization != Token)
        {
            context.Response.StatusCode = 401;
            return Task.CompletedTask;
        }

        return context.Response.SendFileAsync(ServerFixture.ModelPath("churn", 1));
    });

    [Fact]
    public async Task The_header_from_a_Secret_is_sent_and_shown_nowhere()
    {
        var seen = new ConcurrentQueue<string?>();
        await using var origin = await TokenOriginAsync(seen);
        var logs = new ConcurrentQueue<string>();

        await using var server = await ServerFixture.StartAsync(o => WithHeader(o, origin.Url("/churn.onnx"), Token), logs);

        Assert.True(server.Settled.Ready, server.Settled.Message);
        Assert.Equal([Token], seen);
        Assert.DoesNotContain("s3cr3t", string.Join('\n', logs) + server.Options + await server.Client.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_header_is_DownloadFailed_naming_the_Secret_and_never_its_value()
    {
        var seen = new ConcurrentQueue<string?>();
        await using var origin = await TokenOriginAsync(seen);
        var logs = new ConcurrentQueue<string>();

        await using var server = await ServerFixture.StartAsync(o => WithHeader(o, origin.Url("/churn.onnx"), "Bearer wrong-s3cr3t"), logs);

        await ModelLoadingTests.AssertNotReadyAsync(server, ModelLoadReason.DownloadFailed, "answered 401 Unauthorized; the Authorization header from Secret \"model-token\" was sent");
        Assert.DoesNotContain("s3cr3t", await S3CredentialsTests.ShownAsync(server) + string.Join('\n', logs), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_header_value_missing_from_its_Secret_is_DownloadFailed_before_any_request()
    {
        var seen = new ConcurrentQueue<string?>();
        await using var origin = await TokenOriginAsync(seen);

        await using var server = await ServerFixture.StartAsync(o => WithHeader(o, origin.Url("/churn.onnx"), null));

        await ModelLoadingTests.AssertNotReadyAsync(server, ModelLoadReason.DownloadFailed, "the value of the Authorization header from Secret \"model-token\" is missing or empty");
        Assert.Empty(seen);
    }

    [Fact]
    public async Task A_redirect_to_plain_http_is_refused()
    {
        var calls = 0;
        FileOrigin? origin = null;
        origin = await FileOrigin.StartAsync(context =>
        {
            Interlocked.Increment(ref calls);
            context.Response.Redirect(origin!.Url("/elsewhere.onnx"));
            return Task.CompletedTask;
        });
        await using (origin)
        {
            await using var server = await ServerFixture.StartAsync(o => o with { ModelUri = origin.Url("/churn.onnx"), DownloadAttempts = 1 });

            await ModelLoadingTests.AssertNotReadyAsync(server, ModelLoadReason.DownloadFailed, "/elsewhere.onnx, which is not https; only redirects to https are followed");
            Assert.Equal(1, calls);
        }
    }

    [Fact]
    public async Task A_redirect_to_https_is_followed_with_the_header_kept_on_the_same_host_only()
    {
        using var ca = TestCertificateAuthority.Create("model-host-ca");
        using var certificate = ca.IssueServerCertificate(["localhost"], [IPAddress.Loopback]);
        var seen = new ConcurrentQueue<(string Host, string? Authorization)>();
        await using var https = await FileOrigin.StartAsync(context => Record(context, seen, c => c.Response.SendFileAsync(ServerFixture.ModelPath("churn", 1))), certificate);
        var target = https.Url("/churn.onnx");
        await using var sameHost = await FileOrigin.StartAsync(context => Record(context, seen, c => Redirect(c, target)));
        await using var otherHost = await FileOrigin.StartAsync(context => Record(context, seen, c => Redirect(c, target.Replace("127.0.0.1", "localhost", StringComparison.Ordinal))));

        var viaSameHost = await Fetcher(ca, WithHeader(Options(), sameHost.Url("/m.onnx"), Token)).FetchAsync(sameHost.Url("/m.onnx"), ModelLoadingTests.ChurnSha256, default);
        var viaOtherHost = await Fetcher(ca, WithHeader(Options(), otherHost.Url("/m.onnx"), Token)).FetchAsync(otherHost.Url("/m.onnx"), ModelLoadingTests.ChurnSha256, default);

        Assert.Equal(ModelLoadingTests.ChurnSha256, viaSameHost.Sha256);
        Assert.Equal(ModelLoadingTests.ChurnSha256, viaOtherHost.Sha256);
        Assert.Equal(
            [("127.0.0.1", Token), ("127.0.0.1", Token), ("127.0.0.1", Token), ("localhost", null)],
            seen.Select(s => (s.Host, s.Authorization)));
    }

    [Fact]
    public async Task Redirects_are_bounded()
    {
        using var ca = TestCertificateAuthority.Create("model-host-ca");
        using var certificate = ca.IssueServerCertificate(["localhost"], [IPAddress.Loopback]);
        var calls = 0;
        FileOrigin? loop = null;
        loop = await FileOrigin.StartAsync(context => Redirect(context, loop!.Url($"/hop/{Interlocked.Increment(ref calls)}")), certificate);
        await using (loop)
        {
            var ex = await Assert.ThrowsAsync<ModelLoadException>(() => Fetcher(ca, Options()).FetchAsync(loop.Url("/m.onnx"), null, default));

            Assert.Equal(ModelLoadReason.DownloadFailed, ex.Reason);
            Assert.Contains($"redirects more than {ModelFetcher.MaxRedirects} times", ex.Message, StringComparison.Ordinal);
            Assert.Equal(ModelFetcher.MaxRedirects + 1, calls);
        }
    }

    [Fact]
    public async Task A_download_cut_short_leaves_no_partial_model()
    {
        var model = await File.ReadAllBytesAsync(ServerFixture.ModelPath("churn", 1));
        await using var origin = await FileOrigin.StartAsync(async context =>
        {
            context.Response.ContentLength = model.Length;
            await context.Response.Body.WriteAsync(model.AsMemory(0, model.Length / 2));
            await context.Response.Body.FlushAsync();
            context.Abort();
        });

        await using var server = await ServerFixture.StartAsync(o => o with { ModelUri = origin.Url("/churn.onnx"), DownloadAttempts = 1 });

        await ModelLoadingTests.AssertNotReadyAsync(server, ModelLoadReason.DownloadFailed, "after 1 attempts");
        Assert.Empty(Directory.Exists(server.Options.CacheDirectory) ? Directory.GetFiles(server.Options.CacheDirectory) : []);
    }

    private static ServerOptions Options() => new()
    {
        ModelName = "churn",
        ModelUri = "unused",
        CacheDirectory = Path.Combine(Path.GetTempPath(), "modelserver-tests", Guid.NewGuid().ToString("N")),
        DownloadAttempts = 1,
    };

    // A fetcher that trusts the test authority, and like the server's own client follows no redirect by itself.
    private static ModelFetcher Fetcher(TestCertificateAuthority ca, ServerOptions options)
    {
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(ca.Certificate);
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, SslOptions = { CertificateChainPolicy = policy } };
        return new ModelFetcher(options, handler, TimeProvider.System, NullLogger<ModelFetcher>.Instance);
    }

    private static Task Record(HttpContext context, ConcurrentQueue<(string, string?)> seen, Func<HttpContext, Task> then)
    {
        seen.Enqueue((context.Request.Host.Host, context.Request.Headers.Authorization.FirstOrDefault()));
        return then(context);
    }

    private static Task Redirect(HttpContext context, string location)
    {
        context.Response.Redirect(location);
        return Task.CompletedTask;
    }
}
