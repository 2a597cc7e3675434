using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using ModelOperator.Api;
using ModelOperator.ApiServer.Http;
using ModelOperator.Chart.Tests;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;
using ModelOperator.SandboxHost;
using ModelOperator.SandboxHost.Demo;
using ModelOperator.Processes;

namespace ModelOperator.EndToEnd.Tests.Support;

/// <summary>
/// One local sandbox per test, on free ports, with its state in a temp folder: the test drives it with the real kubectl
/// and reads the world back from the API server. <see cref="DisposeAsync"/> stops every process it started, pass or
/// fail; the folder (logs included) stays in the temp folder for inspection, and a timeout names it.
/// </summary>
internal sealed partial class E2eSandbox : IAsyncDisposable
{
    private readonly FileLoggerProvider _logs;
    private readonly ILoggerFactory _loggers;
    private TrafficGenerator? _traffic;

    private E2eSandbox(LocalSandbox sandbox, FileLoggerProvider logs, ILoggerFactory loggers)
    {
        Sandbox = sandbox;
        _logs = logs;
        _loggers = loggers;
    }

    public LocalSandbox Sandbox { get; }

    public Kubectl Kubectl => Sandbox.Kubectl;

    public static string RepositoryRoot { get; } = FindRoot();

    public static async Task<E2eSandbox> StartAsync(int operators = 1)
    {
        var dir = Path.Combine(Path.GetTempPath(), "modeloperator-e2e", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        var logs = new FileLoggerProvider(Path.Combine(dir, "sandbox.log"));
        var loggers = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Information));
        var settings = new SandboxSettings
        {
            RepositoryRoot = RepositoryRoot,
            Directory = dir,
            ModelServerPath = Built("runtime/ModelOperator.Runtime.Server", "modelserver"),
            OperatorPath = Built("operator/ModelOperator.Operator", "modeloperator"),
            ApiPort = 0,
            PrometheusPort = 0,
            OperatorPort = 0,
            Operators = operators,
            Proxies = [("default", "churn", 0)],
            RecordApiRequests = true,
        };
        var sandbox = await LocalSandbox.StartAsync(settings, loggers);
        return new E2eSandbox(sandbox, logs, loggers);
    }

    /// <summary>
    /// examples/sandbox/churn-v{version}.yaml as the test applies it: the analysis pointed at this sandbox's Prometheus,
    /// with a 15 s window (the tests send traffic fast enough for its minSamples) and a bake of 20 s to match, and with <paramref name="edit"/> applied to the text (null: as is).
    /// </summary>
    public string Manifest(int version, Func<string, string>? edit = null)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot, "examples", "sandbox", $"churn-v{version}.yaml"));
        text = Replace(text, "address: http://127.0.0.1:9090", $"address: {Sandbox.Prometheus.Url.ToString().TrimEnd('/')}");
        text = Replace(text, "interval: 30s", "interval: 15s");
        text = Replace(text, "bakeTime: 45s", "bakeTime: 20s"); // still longer than the 15 s interval: the bake ends on a run
        return edit is null ? text : edit(text);
    }

    /// <summary>Replaces the rollout steps with <paramref name="steps"/> (YAML list items, two-space indented under steps).</summary>
    public static Func<string, string> Steps(string steps) => text =>
        StepsBlock().Replace(text, "    steps:\n" + steps.TrimEnd('\n') + "\n    analysis:", 1);

    public static string Replace(string text, string from, string to)
    {
        Assert.Contains(from, text, StringComparison.Ordinal);
        return text.Replace(from, to, StringComparison.Ordinal);
    }

    public async Task<KubectlResult> ApplyAsync(string manifest) =>
        (await Kubectl.RunAsync(["apply", "-f", "-"], manifest)).EnsureSuccess();

    public Task<ModelDeployment> GetAsync() =>
        Sandbox.Client.Resource<ModelDeployment>().GetAsync(new ObjectKey("default", "churn"));

    /// <summary>Polls the ModelDeployment until <paramref name="done"/> holds; fails with the last status and the log folder on timeout or as soon as <paramref name="failIf"/> holds.</summary>
    public async Task<ModelDeployment> WaitForAsync(string what, Func<ModelDeployment, bool> done, TimeSpan? timeout = null, Func<ModelDeployment, bool>? failIf = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromMinutes(3));
        ModelDeployment? last = null;
        while (DateTimeOffset.UtcNow < deadline)
        {
            try
            {
                last = await GetAsync();
                if (done(last))
                {
                    return last;
                }

                if (failIf?.Invoke(last) == true)
                {
                    break;
                }
            }
            catch (KubernetesNotFoundException)
            {
            }

            await Task.Delay(250);
        }

        Assert.Fail($"gave up waiting for {what}; last: {(last is null ? "none" : RolloutNarrator.Picture(last) + " / " + (last.Status?.LastDecision is { } d ? RolloutNarrator.Decision(d) : "no decision"))}; logs in {Sandbox.Directory}");
        return last!;
    }

    public Task<ModelDeployment> WaitForPhaseAsync(string phase, TimeSpan? timeout = null) =>
        WaitForAsync($"phase {phase}", md => md.Status?.Phase == phase && md.Status.ObservedGeneration == md.Metadata.Generation, timeout);

    /// <summary>Steady traffic through the churn Service's proxy (the customers of the reference data).</summary>
    public TrafficGenerator StartTraffic(double rate = 40)
    {
        var url = new Uri(Sandbox.ServiceUrls["default/churn"], "v2/models/churn/infer");
        _traffic = new TrafficGenerator(url, TrafficGenerator.BodiesFromCsv(Path.Combine(RepositoryRoot, "examples", "models", "churn", "reference.csv"), "features"), rate);
        _traffic.Start();
        return _traffic;
    }

    public async Task<IReadOnlyList<Deployment>> DeploymentsAsync() =>
        (await Sandbox.Client.Resource<Deployment>().ListAsync("default")).Items;

    /// <summary>
    /// Every API call the operator process made (told apart by its User-Agent), as RBAC sees it, is one the chart grants:
    /// the list the chart tests hold the chart's RBAC to (tests/ModelOperator.Chart.Tests/OperatorNeeds.cs). So a new
    /// call in the operator fails here until the chart, and that list, grant it.
    /// </summary>
    public void AssertTheOperatorCalledOnlyWhatTheChartGrants()
    {
        var calls = Sandbox.ApiServer.Requests
            .Where(r => r.UserAgent.StartsWith("modeloperator/", StringComparison.Ordinal))
            .Select(r => RequestAttributes.Of(r.Method, r.Path, r.Query))
            .OfType<RequestAttributes>()
            .ToList();
        Assert.NotEmpty(calls);
        var granted = OperatorNeeds.Managed.Concat(OperatorNeeds.Lease).ToHashSet();
        var refused = calls.Select(c => (c.Group, c.Resource, c.Verb)).Distinct().Where(c => !granted.Contains(c)).ToList();
        Assert.True(refused.Count == 0, "the operator made calls the chart's RBAC does not grant: " + string.Join(", ", refused));
        Assert.All(calls.Where(c => c.Resource == "leases"), c => Assert.Equal(Sandbox.OperatorNamespace, c.Namespace));
    }

    public async Task<IReadOnlyList<Pod>> PodsOf(string revision) =>
        (await Sandbox.Client.Resource<Pod>().ListAsync("default")).Items.Where(p => p.Metadata.Labels?.GetValueOrDefault(Labels.Revision) == revision).ToList();

    /// <summary>A status as indented JSON, so that an inequality shows the field.</summary>
    public static string Json(ModelDeploymentStatus? status) =>
        status is null ? "null" : System.Text.Json.JsonSerializer.Serialize(status, ModelDeploymentJsonContext.Default.ModelDeploymentStatus);

    public async Task<IReadOnlyList<Event>> EventsAsync() =>
        (await Sandbox.Client.Resource<Event>().ListAsync("default")).Items;

    /// <summary>
    /// Polls the Events until one matches, and returns them all. The operator records Events in the background, after
    /// the status write they describe, so a test that has just seen the status must wait for the Event, not read once.
    /// </summary>
    public async Task<IReadOnlyList<Event>> WaitForEventAsync(string what, Func<Event, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        IReadOnlyList<Event> events = [];
        while (DateTimeOffset.UtcNow < deadline)
        {
            events = await EventsAsync();
            if (events.Any(match))
            {
                return events;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"gave up waiting for the Event {what}; saw: {string.Join("; ", events.Select(e => $"{e.Reason}: {e.Message}"))}; logs in {Sandbox.Directory}");
        return events;
    }

    public async ValueTask DisposeAsync()
    {
        if (_traffic is not null)
        {
            await _traffic.DisposeAsync();
        }

        await Sandbox.DisposeAsync();
        _loggers.Dispose();
        _logs.Dispose();
    }

    private static string Built(string project, string name)
    {
        var candidates = new[] { "Release", "Debug" }
            .Select(c => Path.Combine(RepositoryRoot, project, "bin", c, "net10.0", name))
            .Where(File.Exists)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .ToList();
        return candidates.Count > 0 ? candidates[0] : throw new InvalidOperationException($"No built {name} under {project}/bin: run make build first.");
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

        throw new InvalidOperationException("The repository root (with ModelOperator.sln) is not above the test binaries.");
    }

    [GeneratedRegex(@"    steps:\n(?:    - .*\n(?:      .*\n)*)+    analysis:")]
    private static partial Regex StepsBlock();
}
