using ModelOperator.ApiServer.Hosting;

namespace ModelOperator.Api.Tests.Support;

/// <summary>An in-memory API server per test, with a kubeconfig, the real kubectl and a temp folder that goes away with it.</summary>
internal sealed class ApiServerHarness : IAsyncDisposable
{
    private ApiServerHarness(InMemoryApiServer server, string dir)
    {
        Server = server;
        Dir = dir;
        Kubectl = new ModelOperator.Testing.Kubectl(server.WriteKubeconfig(System.IO.Path.Combine(dir, "kubeconfig")), dir);
    }

    public InMemoryApiServer Server { get; }

    public string Dir { get; }

    public ModelOperator.Testing.Kubectl Kubectl { get; }

    public static async Task<ApiServerHarness> StartAsync()
    {
        var dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "api-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return new ApiServerHarness(await InMemoryApiServer.StartAsync(), dir);
    }

    /// <summary>Installs the committed CRD with <c>kubectl apply -f crds/…</c>, as a user would.</summary>
    public async Task InstallCrdAsync()
    {
        var result = (await Kubectl.RunAsync("apply", "-f", RepositoryFiles.Path(Api.Schema.CrdGenerator.RelativePath))).EnsureSuccess();
        Assert.Contains("customresourcedefinition.apiextensions.k8s.io/modeldeployments.modeloperator.io", result.Stdout, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // A kubectl child may still hold a cache file; the temp folder is cleaned up later.
        }
    }
}
