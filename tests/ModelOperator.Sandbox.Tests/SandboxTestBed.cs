using System.Net.Http.Json;
using ModelOperator.ApiServer.Hosting;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Configuration;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Sandbox.Deployments;
using ModelOperator.Sandbox.Nodes;
using ModelOperator.Sandbox.Proxy;

namespace ModelOperator.Sandbox.Tests;

/// <summary>
/// An in-memory API server with the sandbox's deployment controller and node agent running against it, on the real
/// clock (the pods are real processes). Everything stops in <see cref="DisposeAsync"/>, which the tests reach through
/// <c>await using</c> whether they pass or fail.
/// </summary>
internal sealed class SandboxTestBed : IAsyncDisposable
{
    public const string Namespace = "sandbox";
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _controller;
    private readonly List<ServiceProxy> _proxies = [];

    private SandboxTestBed(InMemoryApiServer server, KubernetesClient client, NodeAgent agent, SandboxDeploymentController controller, string logs)
    {
        Server = server;
        Client = client;
        Agent = agent;
        LogDirectory = logs;
        _controller = controller.RunAsync(_stop.Token);
    }

    public InMemoryApiServer Server { get; }

    public KubernetesClient Client { get; }

    public NodeAgent Agent { get; }

    public string LogDirectory { get; }

    public static string RepositoryRoot { get; } = FindRoot();

    public static string ChurnModel(int version) => Path.Combine(RepositoryRoot, "examples", "models", "churn", version.ToString(System.Globalization.CultureInfo.InvariantCulture), "model.onnx");

    /// <summary>The built modelserver: MODELSERVER_PATH, else the Debug or Release build in the repository.</summary>
    public static string ServerPath()
    {
        var given = Environment.GetEnvironmentVariable("MODELSERVER_PATH");
        if (!string.IsNullOrEmpty(given))
        {
            return given;
        }

        var candidates = new[] { "Debug", "Release" }
            .Select(c => Path.Combine(RepositoryRoot, "runtime", "ModelOperator.Runtime.Server", "bin", c, "net10.0", "modelserver"))
            .Where(File.Exists)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .ToList();
        return candidates.Count > 0
            ? candidates[0]
            : throw new InvalidOperationException("No built modelserver: run `dotnet build runtime/ModelOperator.Runtime.Server` or set MODELSERVER_PATH.");
    }

    public static async Task<SandboxTestBed> StartAsync(Func<NodeAgentOptions, NodeAgentOptions>? configure = null, KubernetesClientOptions? clientOptions = null)
    {
        var server = await InMemoryApiServer.StartAsync();
        using (var http = new HttpClient { BaseAddress = server.BaseUrl })
        {
            (await http.PostAsJsonAsync("api/v1/namespaces", new { apiVersion = "v1", kind = "Namespace", metadata = new { name = Namespace } })).EnsureSuccessStatusCode();
        }

        var client = new KubernetesClient(new KubernetesConfiguration { Server = server.BaseUrl, Namespace = Namespace }, clientOptions);
        var logs = Path.Combine(Path.GetTempPath(), "modeloperator-sandbox-tests", Guid.NewGuid().ToString("N"));
        var options = new NodeAgentOptions { ServerPath = ServerPath(), LogDirectory = logs, InitialBackoff = TimeSpan.FromMilliseconds(200), MaxTerminationGrace = TimeSpan.FromSeconds(5) };
        var agent = new NodeAgent(client, configure?.Invoke(options) ?? options);
        await agent.StartAsync();
        return new SandboxTestBed(server, client, agent, new SandboxDeploymentController(client), logs);
    }

    public async Task<ServiceProxy> ProxyAsync(string service, string? route = null)
    {
        var proxy = new ServiceProxy(Client, new ServiceProxyOptions { Namespace = Namespace, ServiceName = service, RouteName = route });
        _proxies.Add(proxy);
        await proxy.StartAsync();
        return proxy;
    }

    public static ObjectKey Key(string name) => new(Namespace, name);

    /// <summary>A Deployment of the modelserver as the operator renders one (env, readiness probe, labels).</summary>
    public static Deployment ModelDeployment(string name, int replicas, IReadOnlyDictionary<string, string> labels, params (string Name, string Value)[] env) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = Namespace },
        Spec = new DeploymentSpec
        {
            Replicas = replicas,
            Selector = new LabelSelector { MatchLabels = labels },
            Template = new PodTemplateSpec
            {
                Metadata = new ObjectMeta { Labels = labels },
                Spec = new PodSpec
                {
                    TerminationGracePeriodSeconds = 5,
                    Containers =
                    [
                        new Container
                        {
                            Name = "server",
                            Image = "modeloperator/modelserver:test",
                            Env = env.Select(e => new EnvVar { Name = e.Name, Value = e.Value }).ToList(),
                            Ports = [new ContainerPort { Name = "http", Port = 8080 }],
                            ReadinessProbe = new Probe { HttpGet = new HttpGetAction { Path = "/v2/health/ready", Port = IntOrString.FromString("http") } },
                            LivenessProbe = new Probe { HttpGet = new HttpGetAction { Path = "/v2/health/live", Port = IntOrString.FromString("http") } },
                        },
                    ],
                },
            },
        },
    };

    public static Service ModelService(string name, IReadOnlyDictionary<string, string> selector) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = Namespace },
        Spec = new ServiceSpec { Selector = selector, Ports = [new ServicePort { Name = "http", Port = 80, TargetPort = IntOrString.FromString("http") }] },
    };

    public async Task<IReadOnlyList<Pod>> PodsAsync(string labelSelector) =>
        (await Client.Resource<Pod>().ListAsync(Namespace, new ListOptions { LabelSelector = labelSelector })).Items;

    /// <summary>Reads <paramref name="read"/> until <paramref name="done"/> holds, failing with the last value after <paramref name="timeout"/>.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, Func<T, string> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Not reached within {timeout}: {describe(value)}");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var proxy in _proxies)
        {
            await proxy.DisposeAsync();
        }

        await Agent.DisposeAsync();
        await _controller;
        Client.Dispose();
        await Server.DisposeAsync();
        _stop.Dispose();
        try
        {
            Directory.Delete(LogDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ModelOperator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"ModelOperator.sln not found above {AppContext.BaseDirectory}.");
    }
}
