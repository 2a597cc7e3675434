using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelOperator.Kubernetes.Configuration;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Kubernetes.Tests.Http;

/// <summary>
/// TLS against a real HTTPS listener on 127.0.0.1: the kubeconfig's CA is trusted (and only it), the client
/// certificate is presented, and insecure-skip-tls-verify skips verification.
/// </summary>
public sealed class TlsTests : IAsyncLifetime
{
    private readonly X509Certificate2 _ca;
    private readonly X509Certificate2 _server;
    private readonly TestCertificates _client = TestCertificates.Create("client-user");
    private WebApplication? _app;
    private Uri _url = null!;

    public TlsTests()
    {
        (_ca, _server) = IssueServerCertificate();
    }

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(https =>
        {
            https.ServerCertificate = _server;
            https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
            https.AllowAnyClientCertificate();
        })));
        _app = builder.Build();

        // Answers every request with a Namespace named after the client certificate's CN ("anonymous" without one).
        _app.Run(async context =>
        {
            var cn = context.Connection.ClientCertificate?.GetNameInfo(X509NameType.SimpleName, forIssuer: false) ?? "anonymous";
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":""" + "\"" + cn + "\"}}");
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _url = new Uri(address);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _ca.Dispose();
        _server.Dispose();
    }

    private string Kubeconfig(string cluster, string user) => $"""
        current-context: tls
        clusters:
        - name: c
          cluster:
            server: https://127.0.0.1:{_url.Port}
            {cluster}
        users:
        - name: u
          user:
            {user}
        contexts:
        - name: tls
          context: {"{"}cluster: c, user: u{"}"}
        """;

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private async Task<string> GetNameAsync(string kubeconfig)
    {
        var config = KubeConfigLoader.Load(kubeconfig, "/tmp/tls-test-kubeconfig");
        using var client = new KubernetesClient(config);
        var ns = await client.Resource<Namespace>().GetAsync(ObjectKey.Cluster("any"));
        return ns.Metadata.Name!;
    }

    [Fact]
    public async Task Trusts_the_kubeconfig_ca_and_presents_the_client_certificate()
    {
        var name = await GetNameAsync(Kubeconfig(
            $"certificate-authority-data: {Base64(_ca.ExportCertificatePem())}",
            $"""
            client-certificate-data: {_client.CertificateBase64}
                client-key-data: {_client.KeyBase64}
            """));

        Assert.Equal("client-user", name);
    }

    [Fact]
    public async Task Rejects_a_server_signed_by_another_authority()
    {
        var other = TestCertificates.Create("other-ca");

        var e = await Assert.ThrowsAsync<HttpRequestException>(() => GetNameAsync(Kubeconfig(
            $"certificate-authority-data: {other.CertificateBase64}", "token: t")));

        Assert.IsType<AuthenticationException>(e.InnerException);
    }

    [Fact]
    public async Task Insecure_skip_tls_verify_accepts_any_server_certificate()
    {
        var name = await GetNameAsync(Kubeconfig("insecure-skip-tls-verify: true", "token: t"));

        Assert.Equal("anonymous", name);
    }

    private static (X509Certificate2 Ca, X509Certificate2 Server) IssueServerCertificate()
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=test-cluster-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=kube-apiserver", serverKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(san.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var issued = serverRequest.Create(ca, now.AddMinutes(-5), now.AddDays(1), [1, 2, 3, 4]);
        using var withKey = issued.CopyWithPrivateKey(serverKey);

        // Round-trip through PKCS#12 so the key is usable by the TLS stack on every platform.
        var server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        return (ca, server);
    }
}
