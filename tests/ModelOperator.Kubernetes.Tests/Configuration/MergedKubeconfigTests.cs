using ModelOperator.Kubernetes.Configuration;

namespace ModelOperator.Kubernetes.Tests.Configuration;

/// <summary>KUBECONFIG lists merge as kubectl merges them.</summary>
public sealed class MergedKubeconfigTests : IDisposable
{
    private static readonly TestCertificates Ca = TestCertificates.Create("merge-ca");
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string File(string? currentContext, string cluster, string server, string user, string userBody, string context, string? ns = null) => $"""
        apiVersion: v1
        kind: Config
        {(currentContext is null ? string.Empty : $"current-context: {currentContext}")}
        clusters:
        - name: {cluster}
          cluster:
            server: {server}
        users:
        - name: {user}
          user:
            {userBody}
        contexts:
        - name: {context}
          context:
            cluster: {cluster}
            user: {user}
            {(ns is null ? string.Empty : $"namespace: {ns}")}
        """;

    private IReadOnlyList<string> Env(params string[] files) =>
        KubeConfigLoader.DefaultPaths(n => n == "KUBECONFIG" ? string.Join(Path.PathSeparator, files) : null);

    [Fact]
    public async Task Current_context_comes_from_the_first_file_that_sets_one_and_names_resolve_across_files()
    {
        // Given a first file without a current-context, a second that sets one pointing at a context in a third
        var a = _dir.Write("a/config", File(null, "a-cluster", "https://a.example", "a-user", "token: a-token", "a"));
        var b = _dir.Write("b/config", File("c", "b-cluster", "https://b.example", "b-user", "token: b-token", "b"));
        var c = _dir.Write("c/config", File("b", "c-cluster", "https://c.example", "c-user", "token: c-token", "c", ns: "team-c"));

        // When KUBECONFIG lists all three
        var config = KubeConfigLoader.LoadFiles(Env(a, b, c));

        // Then the context is the second file's current-context, defined in the third
        Assert.Equal(new Uri("https://c.example"), config.Server);
        Assert.Equal("team-c", config.Namespace);
        Assert.Equal("c-token", await KubeConfigLoaderTests.BearerAsync(config));
    }

    [Fact]
    public async Task The_first_file_to_define_a_name_wins_whole()
    {
        var first = _dir.Write("first", File("shared", "shared-cluster", "https://first.example", "shared-user", "token: first-token", "shared", ns: "first-ns"));
        var second = _dir.Write("second", File("other", "shared-cluster", "https://second.example", "shared-user", "token: second-token", "shared", ns: "second-ns"));

        var config = KubeConfigLoader.LoadFiles(Env(first, second));

        Assert.Equal(new Uri("https://first.example"), config.Server);
        Assert.Equal("first-ns", config.Namespace);
        Assert.Equal("first-token", await KubeConfigLoaderTests.BearerAsync(config));
    }

    [Fact]
    public async Task Relative_paths_resolve_against_the_file_that_holds_them_and_missing_files_are_skipped()
    {
        _dir.Write("team/secrets/token", "team-token");
        _dir.Write("team/pki/ca.crt", Ca.CertificatePem);
        var head = _dir.Write("head/config", "current-context: team\n");
        var team = _dir.Write("team/config", File(null, "team-cluster", "https://team.example", "team-user", "tokenFile: secrets/token", "team")
            .Replace("server: https://team.example", "server: https://team.example\n    certificate-authority: pki/ca.crt", StringComparison.Ordinal));

        var config = KubeConfigLoader.LoadFiles(Env(Path.Combine(_dir.Path, "absent"), head, team));

        Assert.Equal("team-token", await KubeConfigLoaderTests.BearerAsync(config));
        Assert.Equal(Ca.Thumbprint, Assert.Single(config.CertificateAuthorities!).Thumbprint);
    }

    [Fact]
    public void A_named_context_overrides_every_current_context_and_the_loader_reads_kubeconfig_from_the_environment()
    {
        var a = _dir.Write("a", File("a", "a-cluster", "https://a.example", "a-user", "token: a", "a"));
        var b = _dir.Write("b", File("b", "b-cluster", "https://b.example", "b-user", "token: b", "b", ns: "bee"));
        string? Env(string name) => name == "KUBECONFIG" ? $"{a}{Path.PathSeparator}{b}" : null;

        var config = KubernetesConfigurationLoader.Load(context: "b", getEnvironmentVariable: Env);

        Assert.Equal(new Uri("https://b.example"), config.Server);
        Assert.Equal("bee", config.Namespace);
    }

    [Fact]
    public void Every_listed_file_missing_is_an_error_naming_them()
    {
        var e = Assert.Throws<KubernetesConfigurationException>(() => KubeConfigLoader.LoadFiles(Env(Path.Combine(_dir.Path, "x"), Path.Combine(_dir.Path, "y"))));

        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_dir.Path, "y"), e.Message, StringComparison.Ordinal);
    }
}
