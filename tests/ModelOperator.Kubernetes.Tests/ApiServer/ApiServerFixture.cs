using ModelOperator.ApiServer.Hosting;
using ModelOperator.Kubernetes.Configuration;

namespace ModelOperator.Kubernetes.Tests.ApiServer;

/// <summary>An in-memory API server on 127.0.0.1 and a client pointed at it through a kubeconfig, like a user would.</summary>
internal sealed class ApiServerFixture : IAsyncDisposable
{
    private readonly TempDirectory _dir;

    private ApiServerFixture(TempDirectory dir, InMemoryApiServer server, KubernetesClient client)
    {
        _dir = dir;
        Server = server;
        Client = client;
    }

    public InMemoryApiServer Server { get; }

    public KubernetesClient Client { get; }

    public static async Task<ApiServerFixture> StartAsync(KubernetesClientOptions? clientOptions = null, InMemoryApiServerOptions? serverOptions = null)
    {
        var dir = new TempDirectory();
        var server = await InMemoryApiServer.StartAsync(serverOptions);
        var path = server.WriteKubeconfig(Path.Combine(dir.Path, "kubeconfig"));
        var config = KubeConfigLoader.LoadFile(path);
        return new ApiServerFixture(dir, server, new KubernetesClient(config, clientOptions));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        _dir.Dispose();
    }
}
