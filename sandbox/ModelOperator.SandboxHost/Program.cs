using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using ModelOperator.SandboxHost;
using ModelOperator.SandboxHost.Demo;
using ModelOperator.SandboxHost.Soak;

// modeloperator-sandbox up|demo|soak [flags]: see Usage below and README.md.
const string Usage = """
    usage: modeloperator-sandbox up|demo|soak [flags]
      up     start the sandbox and keep it running until Ctrl-C
      demo   start it, then roll out churn v1, v2 (promoted) and v3 (rolled back), then keep it running
      soak   start it, then roll out good and bad versions while injecting faults; check the invariants,
             print the report (and write it with --report), stop; exit code 1 when an invariant was violated
    flags:
      --repo DIR              the repository (default: the current folder)
      --dir DIR               state and logs (default: .local/sandbox)
      --modelserver PATH      the built modelserver (required)
      --operator PATH         the built modeloperator (required)
      --prometheus PATH       the Prometheus binary (default: /usr/bin/prometheus)
      --api-port N            API server port (default 8001)
      --proxy-port N          port of the Service default/churn (default 8080)
      --prometheus-port N     Prometheus port (default 9090)
      --operator-port N       first operator's metrics port (default 8081)
      --operators N           operator replicas (default 1)
      --exit-when-done        demo: stop everything after the rollback instead of waiting for Ctrl-C
      --duration D            soak: how long faults are injected (default 10m; e.g. 3m, 90s)
      --seed N                soak: the fault schedule's seed (default: random, printed)
      --report FILE           soak: the Markdown file to write the report into, between its markers
    """;

if (args.Length == 0 || args[0] is "-h" or "--help" || args[0] is not ("up" or "demo" or "soak"))
{
    Console.Error.WriteLine(args.Length == 0 || args[0] is "-h" or "--help" ? Usage : $"unknown command '{args[0]}'\n{Usage}");
    return args.Length > 0 && args[0] is "-h" or "--help" ? 0 : 2;
}

var flags = new Dictionary<string, string>(StringComparer.Ordinal);
var exitWhenDone = false;
for (var i = 1; i < args.Length; i++)
{
    if (args[i] == "--exit-when-done")
    {
        exitWhenDone = true;
    }
    else if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
    {
        flags[args[i]] = args[++i];
    }
    else
    {
        Console.Error.WriteLine($"unknown or incomplete argument '{args[i]}'\n{Usage}");
        return 2;
    }
}

string Flag(string name, string fallback) => flags.Remove(name, out var value) ? value : fallback;
var problems = new List<string>();
int Port(string name, int fallback)
{
    var text = Flag(name, fallback.ToString(CultureInfo.InvariantCulture));
    if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
    {
        problems.Add($"{name} is '{text}'; it must be a number");
    }

    return port;
}

var repo = Path.GetFullPath(Flag("--repo", "."));
var settings = new SandboxSettings
{
    RepositoryRoot = repo,
    Directory = Path.GetFullPath(Flag("--dir", Path.Combine(repo, ".local", "sandbox"))),
    ModelServerPath = Flag("--modelserver", string.Empty),
    OperatorPath = Flag("--operator", string.Empty),
    PrometheusPath = Flag("--prometheus", "/usr/bin/prometheus"),
    ApiPort = Port("--api-port", 8001),
    PrometheusPort = Port("--prometheus-port", 9090),
    OperatorPort = Port("--operator-port", 8081),
    Operators = Port("--operators", 1),
    Proxies = [("default", "churn", Port("--proxy-port", 8080))],
};
SoakOptions? soak = null;
if (args[0] == "soak")
{
    var (parsed, soakProblems) = SoakOptions.Parse(Flag("--duration", string.Empty), Flag("--seed", string.Empty), Flag("--report", string.Empty));
    soak = parsed;
    problems.AddRange(soakProblems);
}

problems.AddRange(flags.Keys.Select(k => $"unknown flag {k}"));
problems.AddRange(settings.Validate());
if (problems.Count > 0)
{
    Console.Error.WriteLine("modeloperator-sandbox: " + string.Join("\nmodeloperator-sandbox: ", problems));
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
{
    ctx.Cancel = true;
    stop.Cancel();
});

Directory.CreateDirectory(settings.Directory);
using var fileLogs = new FileLoggerProvider(Path.Combine(settings.Directory, "sandbox.log"));
using var loggers = LoggerFactory.Create(b => b.AddProvider(fileLogs).SetMinimumLevel(LogLevel.Information));
Console.WriteLine($"Starting the sandbox in {Relative(settings.Directory)} (state and logs; components log to {Relative(fileLogs.LogPath)})");
LocalSandbox sandbox;
try
{
    sandbox = await LocalSandbox.StartAsync(settings, loggers, line => Console.WriteLine("  " + line), stop.Token);
}
catch (Exception e) when (e is InvalidOperationException or ArgumentException or IOException or OperationCanceledException)
{
    Console.Error.WriteLine($"modeloperator-sandbox: could not start: {e.Message}");
    return 1;
}

var exitCode = 0;
TrafficGenerator? traffic = null;
await using (sandbox)
{
    Console.WriteLine($"""

        Use kubectl on it from another terminal:
          export KUBECONFIG={Relative(sandbox.KubeconfigPath)}
          kubectl get md -w        kubectl get pods,deploy,svc        kubectl describe md churn
        """);
    if (soak is not null)
    {
        Console.WriteLine();
        exitWhenDone = true;
        try
        {
            var report = await new SoakRunner(sandbox, repo, soak, Console.Out).RunAsync(stop.Token);
            await SoakRunner.WriteAsync(report, soak.ReportPath, Console.Out, CancellationToken.None);
            exitCode = report.Passed ? 0 : 1;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            exitCode = 1;
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or HttpRequestException or IOException)
        {
            Console.Error.WriteLine($"modeloperator-sandbox: the soak failed: {e.Message}");
            exitCode = 1;
        }
    }
    else if (args[0] == "demo")
    {
        Console.WriteLine();
        var demo = new DemoRunner(sandbox, repo, Console.Out);
        try
        {
            await demo.RunAsync(stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or HttpRequestException)
        {
            Console.Error.WriteLine($"modeloperator-sandbox: the demo failed: {e.Message}");
            exitCode = 1;
        }
        finally
        {
            traffic = demo.Traffic;
        }
    }

    try
    {
        if (exitCode == 0 && !stop.IsCancellationRequested && soak is null)
        {
            var service = sandbox.ServiceUrls.Values.First();
            var grpcService = sandbox.GrpcServiceUrls.Values.First().ToString().TrimEnd('/');
            Console.WriteLine($$"""

                The sandbox keeps running{{(traffic is null ? string.Empty : ", with the traffic")}}. Explore it:
                  kubectl apply -f examples/sandbox/churn-v1.yaml   (then -v2, -v3: what make run does)
                  kubectl get md churn -o yaml            status: revisions, history, quarantine, lastDecision
                  kubectl get events --sort-by=.lastTimestamp
                  curl -s -X POST {{service}}v2/models/churn/infer -H 'Content-Type: application/json' -d '{"inputs":[{"name":"features","shape":[1,8],"datatype":"FP32","data":[35,28.72,5,1,5,14,0,4]}]}'
                  tools/grpc-infer/bin/Release/net10.0/grpc-infer {{grpcService}} churn features 1,8 35,28.72,5,1,5,14,0,4   (the same over gRPC)
                  Prometheus: {{sandbox.Prometheus.Url}}graph?g0.expr=modeloperator_canary_weight    alerts: {{sandbox.Prometheus.Url}}alerts
                  logs: {{Relative(sandbox.LogDirectory)}}
                """);
            var plugin = Path.Combine(repo, ".local", "plugin", "bin");
            if (File.Exists(Path.Combine(plugin, "kubectl-model")))
            {
                Console.WriteLine($"  kubectl model status churn               (after: export PATH=$PWD/.local/plugin/bin:$PATH)");
            }

            if (exitWhenDone)
            {
                Console.WriteLine("Stopping (--exit-when-done).");
            }
            else
            {
                Console.WriteLine("Press Ctrl-C to stop every process the sandbox started.");
                try
                {
                    await Task.Delay(Timeout.Infinite, stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
    }
    finally
    {
        if (traffic is not null)
        {
            await traffic.DisposeAsync();
        }
    }

    Console.WriteLine("Stopping the operator, Prometheus, the model servers and the API server ...");
}

Console.WriteLine("Stopped.");
return exitCode;

static string Relative(string path)
{
    var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
    return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
}
