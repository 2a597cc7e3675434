using ModelOperator.ApiServer.Hosting;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Configuration;

namespace ModelOperator.ControllerRuntime.Tests.ApiServer;

/// <summary>The in-memory API server on 127.0.0.1 (free port) and the project's client pointed at it.</summary>
internal sealed class ApiServerFixture : IAsyncDisposable
{
    private ApiServerFixture(InMemoryApiServer server, KubernetesClient client)
    {
        Server = server;
        Client = client;
    }

    public InMemoryApiServer Server { get; }

    public KubernetesClient Client { get; }

    public static async Task<ApiServerFixture> StartAsync()
    {
        var server = await InMemoryApiServer.StartAsync();
        var client = new KubernetesClient(new KubernetesConfiguration { Server = server.BaseUrl });
        return new ApiServerFixture(server, client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
