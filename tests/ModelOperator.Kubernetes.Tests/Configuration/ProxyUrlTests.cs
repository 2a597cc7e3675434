using ModelOperator.ApiServer.Hosting;
using ModelOperator.Kubernetes.Configuration;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Testing;

namespace ModelOperator.Kubernetes.Tests.Configuration;

/// <summary>
/// A kubeconfig cluster's <c>proxy-url</c>, which KubernetesClient's model does not read: honoured as kubectl honours it
/// (every request goes through the proxy), and refused with a clear error when it is not an http, https or socks5 URL.
/// </summary>
public sealed class ProxyUrlTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private KubernetesConfiguration Load(string server, string proxy) => KubeConfigLoader.Load($"""
        current-context: c
        clusters:
        - name: c
          cluster:
            server: {server}
            proxy-url: {proxy}
        contexts:
        - name: c
          context:
            cluster: c
            user: u
        users:
        - name: u
          user:
            token: t
        """, Path.Combine(_dir.Path, "config"));

    [Fact]
    public async Task Requests_go_through_the_proxy_url()
    {
        // The server's name does not resolve; only the proxy (the in-memory API server, which takes absolute-form request
        // targets as an HTTP proxy receives them) can answer.
        await using var proxy = await InMemoryApiServer.StartAsync();
        using var client = new KubernetesClient(Load("http://kubernetes.invalid", proxy.BaseUrl.ToString()));

        var ns = await client.Resource<Namespace>().GetAsync(ObjectKey.Cluster("default"));

        Assert.Equal("default", ns.Metadata.Name);
        Assert.Equal(new Uri("http://kubernetes.invalid"), client.Configuration.Server);
    }

    [Theory]
    [InlineData("ftp://user:secret@proxy.example:21")]
    [InlineData("proxy.example:3128")]
    public void A_proxy_url_that_is_not_http_https_or_socks5_is_refused_without_repeating_it(string proxy)
    {
        var e = Assert.Throws<KubernetesConfigurationException>(() => Load("https://127.0.0.1:6443", proxy));

        Assert.Contains("proxy-url of cluster 'c'", e.Message, StringComparison.Ordinal);
        Assert.Contains("http://, https:// or socks5://", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", e.Message, StringComparison.Ordinal);
    }
}
