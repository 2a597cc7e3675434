using ModelOperator.Kubernetes.Configuration;

namespace ModelOperator.Kubernetes.Tests.Configuration;

public sealed class InClusterConfigLoaderTests : IDisposable
{
    private static readonly TestCertificates Ca = TestCertificates.Create("cluster-ca");
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Func<string, string?> Env(string? host = "10.96.0.1", string? port = "443") =>
        name => name switch
        {
            "KUBERNETES_SERVICE_HOST" => host,
            "KUBERNETES_SERVICE_PORT" => port,
            _ => null,
        };

    private void WriteServiceAccount(string token = "sa-token", string? ns = "serving")
    {
        _dir.Write("token", token);
        _dir.Write("ca.crt", Ca.CertificatePem);
        if (ns is not null)
        {
            _dir.Write("namespace", ns + "\n");
        }
    }

    [Fact]
    public async Task Reads_server_token_ca_and_namespace()
    {
        WriteServiceAccount();

        var config = InClusterConfigLoader.Load(Env(), _dir.Path);

        Assert.Equal(new Uri("https://10.96.0.1:443"), config.Server);
        Assert.Equal("sa-token", await KubeConfigLoaderTests.BearerAsync(config));
        Assert.Equal(Ca.Thumbprint, Assert.Single(config.CertificateAuthorities!).Thumbprint);
        Assert.Equal("serving", config.Namespace);
        Assert.True(InClusterConfigLoader.IsInCluster(Env()));
    }

    [Fact]
    public void Ipv6_service_host_is_bracketed()
    {
        WriteServiceAccount(ns: null);

        var config = InClusterConfigLoader.Load(Env(host: "fd00::1"), _dir.Path);

        Assert.Equal("https://[fd00::1]/", config.Server.ToString());
        Assert.Equal("default", config.Namespace);
    }

    [Fact]
    public async Task Rotated_token_is_picked_up_after_a_401()
    {
        WriteServiceAccount(token: "v1");
        var config = InClusterConfigLoader.Load(Env(), _dir.Path);

        Assert.Equal("v1", await KubeConfigLoaderTests.BearerAsync(config));
        _dir.Write("token", "v2");
        Assert.Equal("v1", await KubeConfigLoaderTests.BearerAsync(config)); // TokenFileAuth re-reads after a minute
        config.Credentials!.Renew();
        Assert.Equal("v2", await KubeConfigLoaderTests.BearerAsync(config));
    }

    [Fact]
    public void Outside_a_cluster_the_error_names_the_variables()
    {
        Assert.False(InClusterConfigLoader.IsInCluster(Env(host: null)));

        var e = Assert.Throws<KubernetesConfigurationException>(() => InClusterConfigLoader.Load(Env(host: null), _dir.Path));

        Assert.Contains("KUBERNETES_SERVICE_HOST", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https")]
    [InlineData("0")]
    [InlineData("70000")]
    public void Bad_port_is_rejected(string port)
    {
        WriteServiceAccount();

        var e = Assert.Throws<KubernetesConfigurationException>(() => InClusterConfigLoader.Load(Env(port: port), _dir.Path));

        Assert.Contains($"'{port}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_token_suggests_automount_is_off()
    {
        _dir.Write("ca.crt", Ca.CertificatePem);

        var e = Assert.Throws<KubernetesConfigurationException>(() => InClusterConfigLoader.Load(Env(), _dir.Path));

        Assert.Contains("automountServiceAccountToken", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ca_file_without_a_certificate_is_rejected()
    {
        _dir.Write("token", "t");
        _dir.Write("ca.crt", "not a certificate");

        var e = Assert.Throws<KubernetesConfigurationException>(() => InClusterConfigLoader.Load(Env(), _dir.Path));

        Assert.Contains("no PEM CERTIFICATE", e.Message, StringComparison.Ordinal);
    }
}
