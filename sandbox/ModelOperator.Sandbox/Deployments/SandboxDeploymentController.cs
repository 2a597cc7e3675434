using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.ControllerRuntime.Controllers;
using ModelOperator.ControllerRuntime.Informers;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Kubernetes.Watching;

namespace ModelOperator.Sandbox.Deployments;

/// <summary>
/// The sandbox's deployment controller: keeps the pods of every apps/v1 Deployment (all namespaces) matching its
/// replicas and template, and its status as the real controller keeps it. There are no ReplicaSets: pods are
/// owned by the Deployment directly and named <c>&lt;deployment&gt;-&lt;pod-template-hash&gt;-&lt;5 random&gt;</c>.
/// Run it with <see cref="RunAsync"/> until the token is cancelled.
/// </summary>
public sealed class SandboxDeploymentController
{
    private readonly Informer<Deployment> _deployments;
    private readonly Informer<Pod> _pods;
    private readonly Controller _controller;

    public SandboxDeploymentController(IKubernetesClient client, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        var time = timeProvider ?? TimeProvider.System;
        var logs = loggerFactory ?? NullLoggerFactory.Instance;
        _deployments = new Informer<Deployment>(new ResourceListerWatcher<Deployment>(client.Resource<Deployment>()), time, logs.CreateLogger<Informer<Deployment>>());
        _pods = new Informer<Pod>(
            new ResourceListerWatcher<Pod>(client.Resource<Pod>()),
            time,
            logs.CreateLogger<Informer<Pod>>(),
            indexers: new Dictionary<string, Func<Pod, IEnumerable<string>>> { [Indexers.ControllerUidIndex] = Indexers.ControllerUid });
        var reconciler = new DeploymentReconciler(
            client.Resource<Deployment>(), client.Resource<Pod>(), _deployments.Cache, _pods.Cache, time, logs.CreateLogger<DeploymentReconciler>());
        _controller = new Controller("sandbox-deployments", reconciler, time, logs.CreateLogger<Controller>(), new ControllerOptions { Workers = 2 });
        _deployments.AddEventHandler(EnqueueHandlers.ForObject<Deployment>(_controller.Queue));
        _pods.AddEventHandler(EnqueueHandlers.ForControllerOwner<Pod>(_controller.Queue, "apps", "Deployment"));
    }

    /// <summary>Runs the informers and the controller until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var informers = Task.WhenAll(_deployments.RunAsync(stop.Token), _pods.RunAsync(stop.Token));
        try
        {
            await Task.WhenAll(_deployments.WaitForSyncAsync(stop.Token), _pods.WaitForSyncAsync(stop.Token)).ConfigureAwait(false);
            await _controller.RunAsync(stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            _controller.Dispose();
            try
            {
                await informers.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
