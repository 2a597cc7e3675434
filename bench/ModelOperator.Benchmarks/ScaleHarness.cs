using ModelOperator.ApiServer.Hosting;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Configuration;
using ModelOperator.Sandbox.Deployments;

namespace ModelOperator.Benchmarks;

/// <summary>
/// What operator-scale runs the operator against, all inside the bench process: a fresh in-memory API server with the
/// ModelDeployment CRD applied (by kubectl, as a user would), the sandbox's deployment controller, and the stand-in
/// kubelet. One per run, and one for <see cref="HarnessWarmup"/>.
/// </summary>
internal sealed class ScaleHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;

    private ScaleHarness(InMemoryApiServer server, string kubeconfig)
    {
        Server = server;
        Kubeconfig = kubeconfig;
        Client = new KubernetesClient(new KubernetesConfiguration { Server = server.BaseUrl });
    }

    public InMemoryApiServer Server { get; }

    /// <summary>A kubeconfig file for the server (the operator process reads it).</summary>
    public string Kubeconfig { get; }

    public KubernetesClient Client { get; }

    public static async Task<ScaleHarness> StartAsync()
    {
        var server = await InMemoryApiServer.StartAsync().ConfigureAwait(false);
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"bench-operator-{Guid.NewGuid():N}.kubeconfig");
        server.WriteKubeconfig(kubeconfig);
        var harness = new ScaleHarness(server, kubeconfig);
        try
        {
            (await new Kubectl(kubeconfig).RunAsync("apply", "-f", Path.Combine(AppContext.BaseDirectory, "crds", "modeldeployments.modeloperator.io.yaml")).ConfigureAwait(false)).EnsureSuccess();
            var controller = new SandboxDeploymentController(harness.Client);
            harness._running = Task.WhenAll(controller.RunAsync(harness._stop.Token), Task.Run(() => StandInKubelet.RunAsync(harness.Client, harness._stop.Token)));
            return harness;
        }
        catch
        {
            await harness.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _running.ConfigureAwait(false);
        Client.Dispose();
        await Server.DisposeAsync().ConfigureAwait(false);
        File.Delete(Kubeconfig);
        _stop.Dispose();
    }
}
