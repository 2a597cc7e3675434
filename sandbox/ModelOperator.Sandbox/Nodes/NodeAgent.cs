using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.ControllerRuntime.Controllers;
using ModelOperator.ControllerRuntime.Informers;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Kubernetes.Watching;

namespace ModelOperator.Sandbox.Nodes;

/// <summary>
/// The sandbox's kubelet: every Pod (all namespaces) becomes a real modelserver process on a loopback port.
/// The pod's first container is run (image and command ignored, args passed on) with its env, HOST=127.0.0.1 and
/// PORT=&lt;a port reserved by <see cref="ModelOperator.Processes.LoopbackPorts"/>&gt;; the port is written to the
/// <see cref="SandboxNames.PortAnnotation"/> annotation (again when a restart had to move to a new one), and the
/// status shows phase, podIP 127.0.0.1, the container's state, readiness and restarts. A deleted (or terminating)
/// pod's process gets SIGTERM, then SIGKILL after the grace period; disposing the agent stops every process.
/// Reconcile is level-based on the pod's key: the wanted state is "a process for this pod UID while it lives".
/// ConfigMap volumes are kept current by a <see cref="ConfigMapProjector"/> (with ConfigMap and Service informers).
/// </summary>
public sealed partial class NodeAgent : IAsyncDisposable
{
    private readonly NodeAgentOptions _options;
    private readonly IResourceClient<Pod> _podClient;
    private readonly Informer<Pod> _pods;
    private readonly Informer<ConfigMap> _configMaps;
    private readonly Informer<Service> _services;
    private readonly ConfigMapProjector _projector;
    private readonly Controller _controller;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _logs;
    private readonly ILogger _logger;
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false });
    private readonly ConcurrentDictionary<ObjectKey, RunningPod> _running = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _run;
    private int _disposed;

    public NodeAgent(IKubernetesClient client, NodeAgentOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logs = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _logs.CreateLogger<NodeAgent>();
        _podClient = client.Resource<Pod>();
        _pods = new Informer<Pod>(new ResourceListerWatcher<Pod>(_podClient), _time, _logs.CreateLogger<Informer<Pod>>());
        _controller = new Controller("sandbox-node-agent", new Reconciler(this), _time, _logs.CreateLogger<Controller>(), new ControllerOptions { Workers = 4 });
        _pods.AddEventHandler(EnqueueHandlers.ForObject<Pod>(_controller.Queue));
        _configMaps = new Informer<ConfigMap>(new ResourceListerWatcher<ConfigMap>(client.Resource<ConfigMap>()), _time, _logs.CreateLogger<Informer<ConfigMap>>());
        _services = new Informer<Service>(new ResourceListerWatcher<Service>(client.Resource<Service>()), _time, _logs.CreateLogger<Informer<Service>>());
        _projector = new ConfigMapProjector(_configMaps, _services, _pods, options.VolumeDirectory, _logger);
    }

    /// <summary>The OS process id of each pod's running process (pods between restarts are left out).</summary>
    public IReadOnlyDictionary<ObjectKey, int> ProcessIds =>
        _running.Select(p => (p.Key, Id: p.Value.Process.ProcessId)).Where(p => p.Id is not null).ToDictionary(p => p.Key, p => p.Id!.Value);

    /// <summary>Starts watching pods; returns once the first list is cached.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var informers = Task.WhenAll(_pods.RunAsync(_stop.Token), _configMaps.RunAsync(_stop.Token), _services.RunAsync(_stop.Token));
        await Task.WhenAll(_pods.WaitForSyncAsync(cancellationToken), _configMaps.WaitForSyncAsync(cancellationToken), _services.WaitForSyncAsync(cancellationToken)).ConfigureAwait(false);
        _run = Task.WhenAll(informers, _controller.RunAsync(_stop.Token), ProjectConfigMapsAsync(_stop.Token), ResyncStatusesAsync(_stop.Token));
    }

    /// <summary>
    /// Writes every running pod's status again when the last write of it did not land, as the kubelet's status manager
    /// syncs: a write refused by a transient error (429, 409, a timeout) is otherwise lost until the process changes
    /// again, and a pod that became ready during an API outage stayed not ready in its status for good.
    /// A status already written is not written again (<see cref="PublishAsync"/> compares it).
    /// </summary>
    private async Task ResyncStatusesAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.StatusResyncPeriod, _time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var (key, entry) in _running)
            {
                // An entry is listed only once its process is set (ReconcileAsync).
                await PublishAsync(key, entry, entry.Process.Observation).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Keeps the running pods' configMap volumes current until stopped.</summary>
    private async Task ProjectConfigMapsAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(ConfigMapProjector.Period, _time);
        do
        {
            _projector.Sync(_running.Keys.Select(_pods.Cache.Get).OfType<Pod>().ToList());
        }
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Stops watching and stops every process (SIGTERM, then SIGKILL after the grace period). Safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _controller.Dispose();
        if (_run is not null)
        {
            try
            {
                await _run.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        await Task.WhenAll(_running.Values.Select(r => r.Process.StopAsync(_options.MaxTerminationGrace))).ConfigureAwait(false);
        _running.Clear();
        _http.Dispose();
        _stop.Dispose();
    }

    private async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var pod = _pods.Cache.Get(key);
        _running.TryGetValue(key, out var running);
        var wanted = pod is not null && pod.Metadata.DeletionTimestamp is null;
        if (running is not null && (!wanted || running.Process.Uid != pod!.Metadata.Uid))
        {
            _running.TryRemove(key, out _);
            var grace = TimeSpan.FromSeconds(pod?.Metadata.DeletionGracePeriodSeconds ?? pod?.Spec?.TerminationGracePeriodSeconds ?? 30);
            await running.Process.StopAsync(grace < _options.MaxTerminationGrace ? grace : _options.MaxTerminationGrace).ConfigureAwait(false);
            Log.Stopped(_logger, key.ToString());
            running = null;
        }

        if (!wanted || running is not null || _stop.IsCancellationRequested)
        {
            return ReconcileResult.Done;
        }

        var entry = new RunningPod();
        var process = new PodProcess(pod!, _options, _http, _time, _logs.CreateLogger<PodProcess>(), o => PublishAsync(key, entry, o), (port, grpcPort) => AnnouncePortsAsync(key, port, grpcPort));
        entry.Process = process;
        try
        {
            await _podClient.PatchAsync(key, PortsPatch(process.Port, process.GrpcPort), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await process.DisposeAsync().ConfigureAwait(false); // gives its ports back; the retry draws again
            throw;
        }

        _running[key] = entry;
        process.Start();
        return ReconcileResult.Done;
    }

    private static Patch PortsPatch(int port, int grpcPort) =>
        Patch.Merge(new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject
        {
            [SandboxNames.PortAnnotation] = port.ToString(CultureInfo.InvariantCulture),
            [SandboxNames.GrpcPortAnnotation] = grpcPort.ToString(CultureInfo.InvariantCulture),
        } } });

    /// <summary>A restart moved the pod to new ports: the annotations follow, so the proxy, the scrapes and the operator find it.</summary>
    private async Task AnnouncePortsAsync(ObjectKey key, int port, int grpcPort)
    {
        try
        {
            await _podClient.PatchAsync(key, PortsPatch(port, grpcPort)).ConfigureAwait(false);
        }
        catch (KubernetesNotFoundException)
        {
            // The pod is gone; reconcile stops the process.
        }
        catch (Exception e) when (e is KubernetesApiException or HttpRequestException or TimeoutException)
        {
            Log.PortsWriteFailed(_logger, e, key.ToString());
        }
    }

    /// <summary>Writes the pod's status when it changed (one write at a time per pod; a vanished pod is not an error).</summary>
    private async Task PublishAsync(ObjectKey key, RunningPod entry, ContainerObservation observation)
    {
        await entry.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var status = PodStatusBuilder.Build(observation, entry.LastStatus, _time.GetUtcNow());
            var node = JsonSerializer.SerializeToNode(new Pod { Status = status }, Pod.JsonTypeInfo)!["status"]!.DeepClone();
            if (entry.LastStatusJson is not null && JsonNode.DeepEquals(node, entry.LastStatusJson))
            {
                return;
            }

            await _podClient.PatchStatusAsync(key, Patch.Merge(new JsonObject { ["status"] = node })).ConfigureAwait(false);
            entry.LastStatus = status;
            entry.LastStatusJson = node;
        }
        catch (KubernetesNotFoundException)
        {
            // The pod is gone; reconcile stops the process.
        }
        catch (Exception e) when (e is KubernetesApiException or HttpRequestException or TimeoutException)
        {
            Log.StatusWriteFailed(_logger, e, key.ToString());
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private sealed class RunningPod
    {
        public PodProcess Process { get; set; } = null!;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public PodStatus? LastStatus { get; set; }

        public JsonNode? LastStatusJson { get; set; }
    }

    private sealed class Reconciler(NodeAgent agent) : IReconciler
    {
        public Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken) => agent.ReconcileAsync(key, cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Pod {Pod}: process stopped")]
        public static partial void Stopped(ILogger logger, string pod);

        [LoggerMessage(2, LogLevel.Warning, "Pod {Pod}: status write failed")]
        public static partial void StatusWriteFailed(ILogger logger, Exception exception, string pod);

        [LoggerMessage(3, LogLevel.Warning, "Pod {Pod}: writing its new port annotations failed")]
        public static partial void PortsWriteFailed(ILogger logger, Exception exception, string pod);
    }
}
