using ModelOperator.ApiServer.Hosting;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Configuration;

namespace ModelOperator.Testing;

/// <summary>
/// The in-memory API server on 127.0.0.1 (a free port) and the project's client pointed at it through the kubeconfig the
/// server writes, as a user's client would be. The one API-server fixture of the test projects; richer test beds (with
/// kubectl, the CRD, an operator) start from the same server.
/// </summary>
public sealed class ApiServerFixture : IAsyncDisposable
{
    private readonly DirectoryInfo _dir;
    private Kubectl? _kubectl;

    private ApiServerFixture(DirectoryInfo dir, string kubeconfig, InMemoryApiServer server, KubernetesClient client)
    {
        _dir = dir;
        Kubeconfig = kubeconfig;
        Server = server;
        Client = client;
    }

    /// <summary>The kubeconfig file that points at <see cref="Server"/>, for other clients (kubectl, python3-kubernetes).</summary>
    public string Kubeconfig { get; }

    /// <summary>A folder of this fixture's own, deleted with it (a HOME for child processes).</summary>
    public string Folder => _dir.FullName;

    /// <summary>The real kubectl pointed at <see cref="Server"/> through <see cref="Kubeconfig"/>.</summary>
    public Kubectl Kubectl => _kubectl ??= new Kubectl(Kubeconfig, Folder);

    public InMemoryApiServer Server { get; }

    public KubernetesClient Client { get; }

    public static async Task<ApiServerFixture> StartAsync(KubernetesClientOptions? clientOptions = null, InMemoryApiServerOptions? serverOptions = null)
    {
        var dir = Directory.CreateTempSubdirectory("modeloperator-apiserver-");
        var server = await InMemoryApiServer.StartAsync(serverOptions).ConfigureAwait(false);
        var kubeconfig = server.WriteKubeconfig(Path.Combine(dir.FullName, "kubeconfig"));
        return new ApiServerFixture(dir, kubeconfig, server, new KubernetesClient(KubeConfigLoader.LoadFile(kubeconfig), clientOptions));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync().ConfigureAwait(false);
        try
        {
            _dir.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A kubectl child may still hold a cache file; the temp folder is cleaned up later.
        }
    }
}
