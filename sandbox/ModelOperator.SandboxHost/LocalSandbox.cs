using System.Globalization;
using Microsoft.Extensions.Logging;
using ModelOperator.ApiServer.Hosting;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Configuration;
using ModelOperator.Sandbox;
using ModelOperator.Sandbox.Deployments;
using ModelOperator.Sandbox.Nodes;
using ModelOperator.Sandbox.Proxy;
using ModelOperator.Processes;
using ModelOperator.SandboxHost.Prometheus;

namespace ModelOperator.SandboxHost;

/// <summary>
/// A small cluster on one machine, with the product on it: the in-memory API server with the CRD from <c>crds/</c>
/// (installed with the real kubectl), the sandbox's deployment controller, its node agent (pods as real model server
/// processes; the claim <c>models</c> is the repository's examples/models), Service proxies on local ports, the real
/// Prometheus scraping the pods and the operator, and the real operator as child processes with leader election.
/// Everything it started stops in <see cref="DisposeAsync"/>, in the reverse order.
/// </summary>
public sealed class LocalSandbox : IAsyncDisposable
{
    private readonly SandboxSettings _settings;
    private readonly ILoggerFactory _loggers;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Func<ValueTask>> _cleanups = [];
    private readonly List<OperatorReplica> _operators = [];
    private readonly Lock _lock = new();
    private int _nextOperator;

    private LocalSandbox(SandboxSettings settings, ILoggerFactory loggers)
    {
        _settings = settings;
        _loggers = loggers;
    }

    /// <summary>The User-Agent of the sandbox's own components (deployment controller, node agent, proxy).</summary>
    public const string SandboxUserAgent = "modeloperator-sandbox/1";

    public InMemoryApiServer ApiServer { get; private set; } = null!;

    public KubernetesClient Client { get; private set; } = null!;

    public Kubectl Kubectl { get; private set; } = null!;

    public string KubeconfigPath => _settings.KubeconfigPath;

    public string Directory => _settings.Directory;

    public string LogDirectory => _settings.LogDirectory;

    /// <summary>The namespace of the operator's leader Lease.</summary>
    public string OperatorNamespace => _settings.OperatorNamespace;

    public PrometheusServer Prometheus { get; private set; } = null!;

    public NodeAgent NodeAgent { get; private set; } = null!;

    /// <summary>The local URL of each proxied Service, by "namespace/service".</summary>
    public IReadOnlyDictionary<string, Uri> ServiceUrls { get; private set; } = new Dictionary<string, Uri>();

    /// <summary>The gRPC address of each proxied Service (its <c>grpc</c> port), by namespace/name.</summary>
    public IReadOnlyDictionary<string, Uri> GrpcServiceUrls { get; private set; } = new Dictionary<string, Uri>();

    public IReadOnlyList<OperatorReplica> Operators
    {
        get
        {
            lock (_lock)
            {
                return [.. _operators];
            }
        }
    }

    /// <summary>Starts every part, in dependency order; on failure stops what had started and throws with what went wrong.</summary>
    public static async Task<LocalSandbox> StartAsync(SandboxSettings settings, ILoggerFactory loggers, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var problems = settings.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("The sandbox cannot start:\n  " + string.Join("\n  ", problems));
        }

        var sandbox = new LocalSandbox(settings, loggers);
        try
        {
            await sandbox.StartPartsAsync(progress ?? (_ => { }), cancellationToken).ConfigureAwait(false);
            return sandbox;
        }
        catch
        {
            await sandbox.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task StartPartsAsync(Action<string> progress, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(_settings.Directory);
        if (System.IO.Directory.Exists(_settings.LogDirectory))
        {
            System.IO.Directory.Delete(_settings.LogDirectory, recursive: true);
        }

        System.IO.Directory.CreateDirectory(_settings.LogDirectory);

        ApiServer = await InMemoryApiServer.StartAsync(new InMemoryApiServerOptions { Port = _settings.ApiPort, LoggerFactory = _loggers, RecordRequests = _settings.RecordApiRequests }, cancellationToken).ConfigureAwait(false);
        _cleanups.Add(() => ApiServer.DisposeAsync());
        ApiServer.WriteKubeconfig(_settings.KubeconfigPath);
        // Its own User-Agent, so that the API server's request record tells the sandbox's calls from the operator's.
        Client = new KubernetesClient(new KubernetesConfiguration { Server = ApiServer.BaseUrl, Namespace = "default" }, new KubernetesClientOptions { UserAgent = SandboxUserAgent });
        Kubectl = new Kubectl(_settings.KubeconfigPath, _settings.RepositoryRoot);
        progress($"API server     {ApiServer.BaseUrl} (kubeconfig {_settings.KubeconfigPath})");

        var crd = (await Kubectl.RunAsync(["apply", "-f", Path.Combine(_settings.RepositoryRoot, "crds")], null, cancellationToken).ConfigureAwait(false)).EnsureSuccess();
        // kubectl create sends protobuf, which the in-memory server does not speak; apply sends JSON.
        var namespaceJson = System.Text.Json.JsonSerializer.Serialize(new { apiVersion = "v1", kind = "Namespace", metadata = new { name = _settings.OperatorNamespace } });
        (await Kubectl.RunAsync(["apply", "-f", "-"], namespaceJson, cancellationToken).ConfigureAwait(false)).EnsureSuccess();
        progress($"CRD            {crd.Stdout.Trim()} (kubectl apply -f crds/)");

        var controller = new SandboxDeploymentController(Client, TimeProvider.System, _loggers);
        var controllerRun = controller.RunAsync(_stop.Token);
        _cleanups.Add(async () =>
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await controllerRun.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        });

        var models = Path.Combine(_settings.RepositoryRoot, "examples", "models");
        NodeAgent = new NodeAgent(Client, new NodeAgentOptions
        {
            ServerPath = _settings.ModelServerPath,
            LogDirectory = Path.Combine(_settings.LogDirectory, "pods"),
            VolumeDirectory = Path.Combine(_settings.Directory, "volumes"),
            PersistentVolumeClaims = new Dictionary<string, string> { ["models"] = models },
        }, TimeProvider.System, _loggers);
        await NodeAgent.StartAsync(cancellationToken).ConfigureAwait(false);
        _cleanups.Add(() => NodeAgent.DisposeAsync());
        progress($"node agent     pods run as local model servers (logs {Path.Combine(_settings.LogDirectory, "pods")}; claim \"models\" = examples/models)");

        var urls = new Dictionary<string, Uri>(StringComparer.Ordinal);
        var grpcUrls = new Dictionary<string, Uri>(StringComparer.Ordinal);
        foreach (var (ns, service, port) in _settings.Proxies)
        {
            var proxy = new ServiceProxy(Client, new ServiceProxyOptions { Namespace = ns, ServiceName = service, Port = port, GrpcPort = 0 }, TimeProvider.System, _loggers);
            await proxy.StartAsync(cancellationToken).ConfigureAwait(false);
            _cleanups.Add(() => proxy.DisposeAsync());
            urls[$"{ns}/{service}"] = proxy.Url;
            progress($"service proxy  {proxy.Url} → Service {ns}/{service} (its ready pods, HTTPRoute weights); gRPC {proxy.GrpcUrl}");
            grpcUrls[$"{ns}/{service}"] = proxy.GrpcUrl!;
        }

        ServiceUrls = urls;
        GrpcServiceUrls = grpcUrls;

        var prometheusDir = Path.Combine(_settings.Directory, "prometheus");
        var rules = Path.Combine(_settings.RepositoryRoot, "deploy", "prometheus", "modeloperator-rules.yml");
        Prometheus = await PrometheusServer.StartAsync(_settings.PrometheusPath, prometheusDir, PortOrFree(_settings.PrometheusPort), [rules], Path.Combine(_settings.LogDirectory, "prometheus.log"), cancellationToken).ConfigureAwait(false);
        _cleanups.Add(() => Prometheus.DisposeAsync());
        var targets = new TargetFileWriter(Client, Prometheus.PodTargetsPath, _loggers);
        await targets.StartAsync(cancellationToken).ConfigureAwait(false);
        _cleanups.Add(() => targets.DisposeAsync());
        progress($"prometheus     {Prometheus.Url} (scrapes the pods and the operator every 2s; alert rules from deploy/prometheus)");

        for (var i = 0; i < _settings.Operators; i++)
        {
            var replica = await StartOperatorAsync(cancellationToken).ConfigureAwait(false);
            progress($"operator       {replica.Name}: pid {replica.Process.Id}, metrics {replica.MetricsUrl} (log {replica.Process.LogPath})");
        }
    }

    /// <summary>Starts one more operator replica (leader election on) and waits until its health endpoint answers.</summary>
    public async Task<OperatorReplica> StartOperatorAsync(CancellationToken cancellationToken = default)
    {
        int index;
        lock (_lock)
        {
            index = _nextOperator++;
        }

        var name = string.Create(CultureInfo.InvariantCulture, $"modeloperator-{index}");
        var port = _settings.OperatorPort == 0 ? LoopbackPorts.Free() : PortOrFree(_settings.OperatorPort + index);
        string[] args =
        [
            "--kubeconfig", _settings.KubeconfigPath,
            "--http-host", "127.0.0.1",
            "--http-port", port.ToString(CultureInfo.InvariantCulture),
            "--lease-namespace", _settings.OperatorNamespace,
            "--pod-port-annotation", SandboxNames.PortAnnotation,
            // The sandbox's own Prometheus is the one address its ModelDeployments' prometheus provider may name.
            "--prometheus-allowed-addresses", Prometheus.Url.ToString(),
            .. _settings.OperatorArgs,
        ];
        var process = ChildProcess.Start(name, _settings.OperatorPath, args, Path.Combine(_settings.LogDirectory, name + ".log"),
            new Dictionary<string, string> { ["POD_NAME"] = name, ["KUBECONFIG"] = _settings.KubeconfigPath });
        var replica = new OperatorReplica(name, port, process);
        lock (_lock)
        {
            _operators.Add(replica);
        }

        Prometheus.SetOperatorTargets(Operators.Where(o => !o.Process.HasExited).Select(o => (o.Name, o.Port)));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with {process.ExitCode}; its log ({process.LogPath}) ends with:\n{process.Tail()}");
            }

            try
            {
                using var health = await http.GetAsync(new Uri(replica.MetricsUrl, "/healthz"), cancellationToken).ConfigureAwait(false);
                if (health.IsSuccessStatusCode)
                {
                    return replica;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        throw new InvalidOperationException($"{name} did not answer /healthz within 30 s; see {process.LogPath}");
    }

    private static int PortOrFree(int port) => port == 0 ? LoopbackPorts.Free() : port;

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in Operators)
        {
            await replica.Process.StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }

        for (var i = _cleanups.Count - 1; i >= 0; i--)
        {
            try
            {
                await _cleanups[i]().ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
            {
                // Stopping goes on: one part failing to stop must not leave the others running.
            }
        }

        _stop.Dispose();
    }
}

/// <summary>One operator process of the sandbox.</summary>
public sealed record OperatorReplica(string Name, int Port, ChildProcess Process)
{
    public Uri MetricsUrl { get; } = new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}/"));
}
