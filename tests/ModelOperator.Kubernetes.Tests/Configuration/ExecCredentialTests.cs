using ModelOperator.ApiServer.Hosting;
using ModelOperator.Kubernetes.Configuration;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Testing;

namespace ModelOperator.Kubernetes.Tests.Configuration;

/// <summary>
/// A kubeconfig user that is an exec credential plugin, against an API server that requires the plugin's token.
/// KubernetesClient runs the plugin once while it builds the configuration, and its token provider runs it again for
/// the first request; after that only when the credential expires (30 s before its expirationTimestamp) or after a 401.
/// </summary>
public sealed class ExecCredentialTests : IAsyncLifetime
{
    private const string Token = "plugin-token";
    private readonly TempDirectory _dir = new();
    private InMemoryApiServer _server = null!;

    public async Task InitializeAsync() => _server = await InMemoryApiServer.StartAsync(new InMemoryApiServerOptions { RequiredBearerToken = Token });

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    private KubernetesClient Client(ExecCredentialPlugin plugin) =>
        new(KubeConfigLoader.LoadFile(_dir.Write("kubeconfig", plugin.Kubeconfig(_server.BaseUrl))));

    [Theory]
    [InlineData("client.authentication.k8s.io/v1")]
    [InlineData("client.authentication.k8s.io/v1beta1")]
    public async Task The_client_sends_the_token_the_plugin_prints_and_keeps_it_while_valid(string apiVersion)
    {
        var plugin = new ExecCredentialPlugin(_dir.Path, Token, expires: DateTimeOffset.UtcNow.AddHours(1), apiVersion: apiVersion);
        using var client = Client(plugin);

        var first = await client.Resource<Namespace>().GetAsync(ObjectKey.Cluster("default"));
        var runsAfterFirst = plugin.Runs;
        await client.Resource<Namespace>().GetAsync(ObjectKey.Cluster("default"));
        await client.Resource<Namespace>().ListAsync(null);

        Assert.Equal("default", first.Metadata.Name);
        Assert.Equal(2, runsAfterFirst); // building the configuration, then the token provider's first fetch
        Assert.Equal(2, plugin.Runs);
    }

    [Fact]
    public async Task Requests_that_start_together_run_the_plugin_once()
    {
        // Informers start together; the package's exec provider does not guard its refresh, so each would run the plugin.
        var plugin = new ExecCredentialPlugin(_dir.Path, Token, expires: DateTimeOffset.UtcNow.AddHours(1));
        using var client = Client(plugin);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.Resource<Namespace>().GetAsync(ObjectKey.Cluster("default"))));

        Assert.Equal(2, plugin.Runs); // building the configuration, then one fetch for all eight
    }

    [Fact]
    public async Task An_expired_credential_is_fetched_again_before_the_next_request()
    {
        var plugin = new ExecCredentialPlugin(_dir.Path, Token, expires: DateTimeOffset.UtcNow.AddMinutes(-1));
        using var client = Client(plugin);

        await client.Resource<Namespace>().GetAsync(ObjectKey.Cluster("default"));
        var runsAfterFirst = plugin.Runs;
        await client.Resource<Namespace>().GetAsync(ObjectKey.Cluster("default"));
        await client.Resource<Namespace>().GetAsync(ObjectKey.Cluster("default"));

        Assert.Equal(runsAfterFirst + 2, plugin.Runs);
    }

    [Fact]
    public async Task A_401_runs_the_plugin_again_even_when_its_credential_looked_valid()
    {
        // Runs 1 (configuration) and 2 (first request) print a token the server refuses; run 3, after the 401, the right one.
        var plugin = new ExecCredentialPlugin(_dir.Path, Token, expires: DateTimeOffset.UtcNow.AddHours(1), staleRuns: 2);
        using var client = Client(plugin);

        var ns = await client.Resource<Namespace>().GetAsync(ObjectKey.Cluster("default"));

        Assert.Equal("default", ns.Metadata.Name);
        Assert.Equal(3, plugin.Runs);
    }

    [Fact]
    public async Task A_wrong_token_surfaces_as_unauthorized()
    {
        using var client = new KubernetesClient(new KubernetesConfiguration { Server = _server.BaseUrl, Credentials = KubernetesCredentials.Token("nope") });

        var e = await Assert.ThrowsAsync<KubernetesApiException>(() => client.Resource<Namespace>().GetAsync(ObjectKey.Cluster("default")));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, e.StatusCode);
        Assert.Equal("Unauthorized", e.Reason);
    }
}
