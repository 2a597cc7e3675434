using ModelOperator.Kubernetes.Configuration;

namespace ModelOperator.Kubernetes.Tests.Configuration;

public sealed class KubeConfigLoaderTests : IDisposable
{
    private static readonly TestCertificates Ca = TestCertificates.Create("test-ca");
    private static readonly TestCertificates Client = TestCertificates.Create("test-client");
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Config(string user, string cluster = "server: https://127.0.0.1:6443", string currentContext = "current-context: dev", string contextExtra = "") => $"""
        apiVersion: v1
        kind: Config
        {currentContext}
        clusters:
        - name: dev-cluster
          cluster:
            {cluster}
        - name: prod-cluster
          cluster:
            server: https://prod.example:443
            insecure-skip-tls-verify: true
        contexts:
        - name: dev
          context:
            cluster: dev-cluster
            user: dev-user
            {contextExtra}
        - name: prod
          context:
            cluster: prod-cluster
            user: prod-user
            namespace: serving
        users:
        - name: dev-user
          user:
            {user}
        - name: prod-user
          user:
            token: prod-token
        """;

    private KubernetesConfiguration Load(string yaml, string? context = null) =>
        KubeConfigLoader.Load(yaml, Path.Combine(_dir.Path, "config"), context);

    internal static async Task<string?> BearerAsync(KubernetesConfiguration config)
    {
        var header = await config.Credentials!.GetAuthorizationAsync(default);
        Assert.Equal("Bearer", header.Scheme);
        return header.Parameter;
    }

    [Fact]
    public async Task Token_user_on_the_current_context()
    {
        var config = Load(Config("token: abc123"));

        Assert.Equal(new Uri("https://127.0.0.1:6443"), config.Server);
        Assert.Equal("abc123", await BearerAsync(config));
        Assert.Null(config.ClientCertificate);
        Assert.Null(config.CertificateAuthorities);
        Assert.False(config.InsecureSkipTlsVerify);
        Assert.Equal("default", config.Namespace);
        Assert.Contains("context 'dev'", config.Source, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Named_context_overrides_the_current_one_and_brings_its_namespace()
    {
        var config = Load(Config("token: abc123"), context: "prod");

        Assert.Equal(new Uri("https://prod.example:443"), config.Server);
        Assert.True(config.InsecureSkipTlsVerify);
        Assert.Equal("serving", config.Namespace);
        Assert.Equal("prod-token", await BearerAsync(config));
    }

    [Fact]
    public async Task Token_file_is_resolved_relative_to_the_kubeconfig_and_reread_after_a_401()
    {
        _dir.Write("secrets/token", "first\n");
        var config = Load(Config("tokenFile: secrets/token"));

        Assert.Equal("first", await BearerAsync(config));
        _dir.Write("secrets/token", "second");
        Assert.Equal("first", await BearerAsync(config)); // KubernetesClient's TokenFileAuth keeps a read for a minute
        config.Credentials!.Renew();
        Assert.Equal("second", await BearerAsync(config));
    }

    [Fact]
    public void Inline_client_certificate_and_key_data()
    {
        var config = Load(Config($"""
            client-certificate-data: {Client.CertificateBase64}
                client-key-data: {Client.KeyBase64}
            """));

        Assert.NotNull(config.ClientCertificate);
        Assert.Equal(Client.Thumbprint, config.ClientCertificate!.Thumbprint);
        Assert.True(config.ClientCertificate.HasPrivateKey);
        Assert.Null(config.Credentials);
    }

    [Fact]
    public void Client_certificate_and_key_files()
    {
        _dir.Write("pki/client.crt", Client.CertificatePem);
        _dir.Write("pki/client.key", Client.KeyPem);
        var config = Load(Config("""
            client-certificate: pki/client.crt
                client-key: pki/client.key
            """));

        Assert.Equal(Client.Thumbprint, config.ClientCertificate!.Thumbprint);
        Assert.True(config.ClientCertificate.HasPrivateKey);
    }

    [Fact]
    public void Certificate_authority_data_and_file()
    {
        var fromData = Load(Config("token: t", cluster: $"""
            server: https://127.0.0.1:6443
                certificate-authority-data: {Ca.CertificateBase64}
            """));
        var caFile = _dir.Write("ca.crt", Ca.CertificatePem);
        var fromFile = Load(Config("token: t", cluster: $"""
            server: https://127.0.0.1:6443
                certificate-authority: {caFile}
            """));

        Assert.Equal(Ca.Thumbprint, Assert.Single(fromData.CertificateAuthorities!).Thumbprint);
        Assert.Equal(Ca.Thumbprint, Assert.Single(fromFile.CertificateAuthorities!).Thumbprint);
    }

    [Fact]
    public void Load_file_reads_from_disk()
    {
        var path = _dir.Write("kube/config", Config("token: from-disk"));

        var config = KubeConfigLoader.LoadFile(path);

        Assert.Contains(path, config.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_paths_are_the_kubeconfig_entries_in_order_else_home()
    {
        var sep = Path.PathSeparator;
        Assert.Equal(["/a/config", "/b/config"], KubeConfigLoader.DefaultPaths(n => n == "KUBECONFIG" ? $"/a/config{sep}/b/config{sep}/a/config" : null));
        Assert.Equal(["/b/config"], KubeConfigLoader.DefaultPaths(n => n == "KUBECONFIG" ? $"{sep}/b/config" : null));
        Assert.Equal([Path.Combine("/home/me", ".kube", "config")], KubeConfigLoader.DefaultPaths(n => n == "HOME" ? "/home/me" : null));
    }

    [Fact]
    public void Missing_file_names_the_file()
    {
        var path = Path.Combine(_dir.Path, "nope");

        var e = Assert.Throws<KubernetesConfigurationException>(() => KubeConfigLoader.LoadFile(path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_context_lists_the_available_ones()
    {
        var e = Assert.Throws<KubernetesConfigurationException>(() => Load(Config("token: t"), context: "staging"));

        Assert.Contains("Context 'staging' is not defined", e.Message, StringComparison.Ordinal);
        Assert.Contains("dev, prod", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_current_context_and_none_named_is_an_error()
    {
        var e = Assert.Throws<KubernetesConfigurationException>(() => Load(Config("token: t", currentContext: string.Empty)));

        Assert.Contains("no current-context", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_server_names_the_context()
    {
        var e = Assert.Throws<KubernetesConfigurationException>(() => Load(Config("token: t", cluster: "insecure-skip-tls-verify: true")));

        Assert.Contains("context 'dev'", e.Message, StringComparison.Ordinal);
        Assert.Contains("Server not found", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Server_that_is_not_an_http_url_is_rejected()
    {
        var e = Assert.Throws<KubernetesConfigurationException>(() => Load(Config("token: t", cluster: "server: ftp://x")));

        Assert.Contains("not an absolute http(s) URL", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Context_pointing_at_an_undefined_cluster_or_user()
    {
        var noCluster = Config("token: t").Replace("cluster: dev-cluster", "cluster: ghost", StringComparison.Ordinal);
        var noUser = Config("token: t").Replace("user: dev-user", "user: ghost", StringComparison.Ordinal);

        Assert.Contains("Cluster not found", Assert.Throws<KubernetesConfigurationException>(() => Load(noCluster)).Message, StringComparison.Ordinal);
        Assert.Contains("User not found", Assert.Throws<KubernetesConfigurationException>(() => Load(noUser)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Certificate_without_key_is_no_credential()
    {
        var e = Assert.Throws<KubernetesConfigurationException>(() => Load(Config($"client-certificate-data: {Client.CertificateBase64}")));

        Assert.Contains("dev-user", e.Message, StringComparison.Ordinal);
        Assert.Contains("appropriate auth credentials", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_base64_is_reported_with_the_context()
    {
        var e = Assert.Throws<KubernetesConfigurationException>(() => Load(Config("token: t", cluster: """
            server: https://127.0.0.1:6443
                certificate-authority-data: '%%%not-base64'
            """)));

        Assert.Contains("context 'dev'", e.Message, StringComparison.Ordinal);
        Assert.Contains("base", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Missing_token_file_is_reported()
    {
        var e = Assert.Throws<KubernetesConfigurationException>(() => Load(Config("tokenFile: absent-token")));

        Assert.Contains("absent-token", e.Message, StringComparison.Ordinal);
        Assert.Contains("tokenFile", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Basic_auth_is_explained()
    {
        var e = Assert.Throws<KubernetesConfigurationException>(() => Load(Config("""
            username: admin
                password: secret
            """)));

        Assert.Contains("basic auth", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oidc_auth_provider_sends_its_id_token()
    {
        var idToken = UnsignedJwt(DateTimeOffset.UtcNow.AddHours(1));
        var config = Load(Config($"""
            auth-provider:
                  name: oidc
                  config:
                    client-id: modeloperator
                    idp-issuer-url: https://issuer.example
                    id-token: {idToken}
                    refresh-token: r
            """));

        Assert.Equal(idToken, await BearerAsync(config));
    }

    private static string UnsignedJwt(DateTimeOffset expires)
    {
        static string Part(string json) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{Part("""{"alg":"none"}""")}.{Part($$"""{"sub":"dev","exp":{{expires.ToUnixTimeSeconds()}}}""")}.sig";
    }

    [Fact]
    public void Yaml_syntax_errors_carry_a_line_number()
    {
        var e = Assert.Throws<KubernetesConfigurationException>(() => Load("clusters: [\n  - name: a\n  cluster: {"));

        Assert.Contains("line", e.Message, StringComparison.Ordinal);
        Assert.Contains(_dir.Path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loader_prefers_in_cluster_only_without_an_explicit_kubeconfig()
    {
        var path = _dir.Write("config", Config("token: from-file"));
        string? Env(string name) => name switch
        {
            "KUBERNETES_SERVICE_HOST" => "10.0.0.1",
            "KUBERNETES_SERVICE_PORT" => "443",
            _ => null,
        };

        var config = KubernetesConfigurationLoader.Load(kubeconfigPath: path, getEnvironmentVariable: Env);

        Assert.Equal(new Uri("https://127.0.0.1:6443"), config.Server);
    }
}
