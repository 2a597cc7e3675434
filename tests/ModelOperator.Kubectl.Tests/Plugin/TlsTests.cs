using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelOperator.Kubectl.Tests.Support;
using ModelOperator.Testing;

namespace ModelOperator.Kubectl.Tests.Plugin;

/// <summary>
/// TLS as kubectl does it, against a real HTTPS listener on 127.0.0.1 whose certificate names only
/// <c>kubernetes.internal</c>: a CA together with <c>insecure-skip-tls-verify</c> is refused, as kubectl refuses it;
/// <c>tls-server-name</c> is sent as SNI and is the name the certificate is checked against; without it the certificate
/// does not match 127.0.0.1 and nothing is sent.
/// </summary>
public sealed class TlsTests : IAsyncLifetime
{
    private const string ServerName = "kubernetes.internal";
    private readonly TestCertificateAuthority _ca = TestCertificateAuthority.Create();
    private readonly ConcurrentQueue<string?> _sniNames = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("kubectl-model-tls-").FullName;
    private WebApplication? _app;
    private int _port;

    public async Task InitializeAsync()
    {
        var certificate = _ca.IssueServerCertificate([ServerName], []);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // A certificate selector, not a fixed certificate: only then does the server read the client's SNI (HostName below).
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificateSelector = (_, _) => certificate })));
        _app = builder.Build();

        // Every request: the Status of a missing object, so a completed handshake shows as kubectl's NotFound message.
        _app.Run(async context =>
        {
            _sniNames.Enqueue(context.Features.Get<ITlsHandshakeFeature>()?.HostName);
            context.Response.StatusCode = 404;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(
                """{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404,"message":"modeldeployments.modeloperator.io \"churn\" not found"}""");
        });
        await _app.StartAsync();
        _port = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _ca.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    // tls-server-name: SocketsHttpHandler sends no SNI for https://127.0.0.1 unless the client names the host, and the
    // package's custom-CA callback alone would accept a certificate whose name does not match.
    [Fact]
    public async Task Tls_server_name_is_sent_as_sni_and_is_the_name_the_certificate_is_checked_against()
    {
        var result = await StatusAsync($"certificate-authority-data: {_ca.CertificateAuthorityData}", $"tls-server-name: {ServerName}");

        // The handshake passed: the answer is the server's own.
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Error from server (NotFound): modeldeployments.modeloperator.io \"churn\" not found", result.Stderr, StringComparison.Ordinal);
        Assert.Equal([ServerName], _sniNames);
    }

    [Fact]
    public async Task Without_tls_server_name_the_certificate_does_not_match_127_0_0_1_and_nothing_is_sent()
    {
        var result = await StatusAsync($"certificate-authority-data: {_ca.CertificateAuthorityData}");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"error: cannot reach the API server at https://127.0.0.1:{_port}/", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(_sniNames);
    }

    [Fact]
    public async Task A_ca_together_with_insecure_skip_tls_verify_is_refused_as_kubectl_refuses_it()
    {
        var result = await StatusAsync($"certificate-authority-data: {_ca.CertificateAuthorityData}", "insecure-skip-tls-verify: true");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("specifying a root certificates file with the insecure flag is not allowed", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("context 'tls'", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(_sniNames);
    }

    [Fact]
    public async Task Insecure_skip_tls_verify_alone_still_connects()
    {
        var result = await StatusAsync("insecure-skip-tls-verify: true");

        Assert.Contains("Error from server (NotFound)", result.Stderr, StringComparison.Ordinal);
        Assert.Single(_sniNames);
    }

    private async Task<ProcessResult> StatusAsync(params string[] clusterFields)
    {
        var kubeconfig = Path.Combine(_dir, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, $"""
            current-context: tls
            clusters:
            - name: c
              cluster:
                server: https://127.0.0.1:{_port}
            {string.Concat(clusterFields.Select(f => $"    {f}\n"))}
            users:
            - name: u
              user:
                token: t
            contexts:
            - name: tls
              context: {"{"}cluster: c, user: u{"}"}
            """);
        using var stdout = new CapturingWriter();
        using var stderr = new CapturingWriter();
        var code = await PluginApp.RunAsync(
            ["status", "churn", "--kubeconfig", kubeconfig],
            new PluginEnvironment(stdout, stderr, name => name == "HOME" ? _dir : null, new ManualTimeProvider(Fixtures.Now)),
            CancellationToken.None);
        return new ProcessResult(code, stdout.ToString(), stderr.ToString());
    }
}
