using System.Diagnostics;
using System.Globalization;
using System.Text;
using ModelOperator.Api;
using ModelOperator.ApiServer.Hosting;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Configuration;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Sandbox.Deployments;

namespace ModelOperator.Benchmarks;

/// <summary>
/// Issue "ModelDeployment": 1 000 ModelDeployments against the in-memory API server. The operator
/// runs as its own process (so its resident memory is its own, not the API server's); the bench
/// process hosts the API server, the sandbox's deployment controller and a stand-in kubelet that
/// marks pods ready. Measures time until every ModelDeployment is Healthy, the operator's writes per
/// object, its resident memory (peak over the run and settled), and the writes a resync makes once
/// everything has converged. Several runs, each from scratch, because resident memory moves from run
/// to run.
/// </summary>
internal sealed class OperatorScaleBenchmark(bool quick) : IBenchmarkSection
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly TimeSpan Resync = TimeSpan.FromSeconds(10);

    /// <summary>Runs of the full benchmark: resident memory varies from run to run, so one run says little.</summary>
    private const int Runs = 5;

    public string Name => "operator-scale";

    public async Task<string> RunAsync()
    {
        var count = quick ? 200 : 1000;
        var runs = new List<Run>();
        for (var i = 0; i < (quick ? 1 : Runs); i++)
        {
            var run = await RunOnceAsync(count).ConfigureAwait(false);
            Console.WriteLine(string.Create(Inv, $"bench: operator-scale run {i + 1}: Healthy after {run.Converged.TotalSeconds:0.0} s, peak {run.PeakRss:0} MiB, settled {run.SettledRss:0} MiB, GC heap {run.SettledHeap:0} MiB"));
            runs.Add(run);
        }

        return Render(count, runs);
    }

    private static async Task<Run> RunOnceAsync(int count)
    {
        await using var server = await InMemoryApiServer.StartAsync().ConfigureAwait(false);
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"bench-operator-{Guid.NewGuid():N}.kubeconfig");
        server.WriteKubeconfig(kubeconfig);
        using var client = new KubernetesClient(new KubernetesConfiguration { Server = server.BaseUrl });
        using var stop = new CancellationTokenSource();
        try
        {
            (await new Kubectl(kubeconfig).RunAsync("apply", "-f", Path.Combine(AppContext.BaseDirectory, "crds", "modeldeployments.modeloperator.io.yaml")).ConfigureAwait(false)).EnsureSuccess();
            var controller = new SandboxDeploymentController(client);
            var controllerRun = controller.RunAsync(stop.Token);
            var kubelet = Task.Run(() => KubeletAsync(client, stop.Token));

            var port = LoopbackPorts.Free();
            using var op = Process.Start(new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                ArgumentList =
                {
                    Path.Combine(AppContext.BaseDirectory, "modeloperator.dll"), "--kubeconfig", kubeconfig, "--leader-elect", "false",
                    "--http-host", "127.0.0.1", "--http-port", port.ToString(Inv), "--resync-period", $"{Resync.TotalSeconds:0}s",
                },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            op.OutputDataReceived += (_, _) => { };
            op.ErrorDataReceived += (_, _) => { };
            op.BeginOutputReadLine();
            op.BeginErrorReadLine();
            await using var memory = new ResidentMemory(op);
            try
            {
                using var http = new HttpClient();
                await WaitReadyAsync(http, port, op).ConfigureAwait(false);
                var idleRss = memory.Current;
                var mds = client.Resource<ModelDeployment>();
                var started = Stopwatch.StartNew();
                await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
                    await mds.CreateAsync(Md(i), cancellationToken: ct).ConfigureAwait(false)).ConfigureAwait(false);
                var created = started.Elapsed;

                var healthy = 0;
                while (started.Elapsed < TimeSpan.FromMinutes(5))
                {
                    var list = await mds.ListAllAsync("default").ConfigureAwait(false);
                    healthy = list.Items.Count(m => m.Status?.Phase == Phases.Healthy && m.Status.ObservedGeneration == m.Metadata.Generation);
                    if (healthy == count)
                    {
                        break;
                    }

                    await Task.Delay(250).ConfigureAwait(false);
                }

                var converged = started.Elapsed;
                var convergeRss = memory.TakePhasePeak();
                var convergeHeap = await HeapMiBAsync(http, port).ConfigureAwait(false);
                var writes = Enumerable.Range(0, count).Select(i => server.Writes("modeldeployments", "default", MdName(i))).ToList();
                var mdWrites = writes.Select(w => w.Total - 1 + w.StatusTotal).ToList(); // minus the bench's own create
                var children = await OperatorChildWritesAsync(server, client).ConfigureAwait(false);

                // Nothing changes now: a full resync (and then some) must write nothing.
                await Task.Delay(Resync * 2.5).ConfigureAwait(false);
                var after = Enumerable.Range(0, count).Sum(i => { var w = server.Writes("modeldeployments", "default", MdName(i)); return w.Total + w.StatusTotal; });
                var resyncWrites = after - writes.Sum(w => w.Total + w.StatusTotal) + (await OperatorChildWritesAsync(server, client).ConfigureAwait(false) - children);
                var resyncRss = memory.TakePhasePeak();
                return new Run(
                    created, converged, healthy, mdWrites.Average(), mdWrites.Max(), (double)children / count, resyncWrites,
                    idleRss, convergeRss, resyncRss, memory.Current, memory.Peak, convergeHeap, await HeapMiBAsync(http, port).ConfigureAwait(false), memory.Breakdown);
            }
            finally
            {
                if (!op.HasExited)
                {
                    op.Kill(entireProcessTree: true);
                    await op.WaitForExitAsync().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            File.Delete(kubeconfig);
        }
    }

    private static string Render(int count, List<Run> runs)
    {
        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        }

        var peaks = runs.Select(r => r.PeakRss).ToList();
        var settled = runs.Select(r => r.SettledRss).ToList();
        var s = new StringBuilder();
        s.AppendLine(Inv, $"## Operator at scale ({count} ModelDeployments)");
        s.AppendLine();
        s.AppendLine(Inv, $"The operator (`modeloperator`, default settings, 2 workers, resync {Resync.TotalSeconds:0} s) runs as its own process against the in-memory API server; the bench process also runs the sandbox's deployment controller and a stand-in kubelet that marks every pod ready, so the resident memory below is the operator's alone. Each ModelDeployment has 1 replica and no canary steps pending (a first deployment goes straight to stable). {runs.Count} runs, each with a fresh API server and operator.");
        s.AppendLine();
        s.AppendLine("Peak is the kernel's high-water mark of the operator's resident set (`VmHWM`) over the whole run; the phase columns are the largest 100 ms sample in that phase (creates until all Healthy; then the resync window). Settled is at the end; GC heap is the managed heap after the last collection, from the operator's `/metrics`.");
        s.AppendLine();
        s.AppendLine("| run | Healthy after | writes per MD (mean, max) | resync writes | RSS idle | RSS converging | RSS resync window | RSS settled | peak RSS | GC heap converged / settled |");
        s.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        for (var i = 0; i < runs.Count; i++)
        {
            var r = runs[i];
            s.AppendLine(Inv, $"| {i + 1} | {r.Healthy}/{count} in {r.Converged.TotalSeconds:0.0} s | {r.MeanWrites:0.0}, {r.MaxWrites} | {r.ResyncWrites} | {r.IdleRss:0} MiB | {r.ConvergeRss:0} MiB | {r.ResyncRss:0} MiB | {r.SettledRss:0} MiB | {r.PeakRss:0} MiB | {r.ConvergeHeap:0} / {r.SettledHeap:0} MiB |");
        }

        var last = runs[^1];
        s.AppendLine();
        s.AppendLine(Inv, $"Where the settled {last.SettledRss:0} MiB of the last run are: {last.SettledParts.Anonymous:0} MiB anonymous memory (the managed heap, {last.SettledHeap:0} MiB after the last collection, with the GC's free space and bookkeeping, thread stacks, native allocations), {last.SettledParts.Files:0} MiB mapped files (the runtime, the framework's and the operator's assemblies; shared with every other .NET process on the node) and {last.SettledParts.Shared:0} MiB of JIT-compiled code (mapped twice, writable and executable).");
        s.AppendLine();
        s.AppendLine("| target | measured | verdict |");
        s.AppendLine("|---|---|---|");
        var slowest = runs.Max(r => r.Converged);
        Report.Verdict(s, $"all {count} Healthy within 30 s of the first create (every run)", $"slowest run {slowest.TotalSeconds:0.0} s, median {Median(runs.Select(r => r.Converged.TotalSeconds)):0.0} s", runs.All(r => r.Healthy == count) && slowest <= TimeSpan.FromSeconds(30));
        Report.Verdict(s, "at most 3 writes per ModelDeployment to converge (status and metadata)", $"max {runs.Max(r => r.MaxWrites)}, mean {runs.Average(r => r.MeanWrites):0.0}; children: {runs.Average(r => r.ChildWritesPerMd):0.0} operator writes to Deployments and Services per ModelDeployment", runs.Max(r => r.MaxWrites) <= 3);
        Report.Verdict(s, "operator resident memory ≤ 150 MiB at its peak (every run)", $"peak median {Median(peaks):0} MiB, range {peaks.Min():0}–{peaks.Max():0} MiB; settled median {Median(settled):0} MiB, range {settled.Min():0}–{settled.Max():0} MiB", peaks.Max() <= 150);
        Report.Verdict(s, "a no-op resync makes zero writes", $"{runs.Sum(r => r.ResyncWrites)} writes in {Resync.TotalSeconds * 2.5:0} s after convergence, summed over the runs", runs.All(r => r.ResyncWrites == 0));
        return s.ToString();
    }

    private static async Task WaitReadyAsync(HttpClient http, int port, Process op)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (op.HasExited)
            {
                throw new InvalidOperationException($"modeloperator exited with {op.ExitCode} before it was ready");
            }

            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/readyz")).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        throw new TimeoutException("modeloperator was not ready within 60 s");
    }

    // The managed heap after the operator's last collection, from its own /metrics.
    private static async Task<double> HeapMiBAsync(HttpClient http, int port)
    {
        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics")).ConfigureAwait(false);
        var line = text.Split('\n').First(l => l.StartsWith("dotnet_gc_heap_size_bytes ", StringComparison.Ordinal));
        return double.Parse(line[(line.LastIndexOf(' ') + 1)..], Inv) / (1024 * 1024);
    }

    private sealed record Run(
        TimeSpan Created,
        TimeSpan Converged,
        int Healthy,
        double MeanWrites,
        int MaxWrites,
        double ChildWritesPerMd,
        int ResyncWrites,
        double IdleRss,
        double ConvergeRss,
        double ResyncRss,
        double SettledRss,
        double PeakRss,
        double ConvergeHeap,
        double SettledHeap,
        (double Anonymous, double Files, double Shared) SettledParts);

    private static string MdName(int i) => $"model-{i:0000}";

    private static ModelDeployment Md(int i) => new()
    {
        Metadata = new ObjectMeta { Name = MdName(i), Namespace = "default" },
        Spec = new ModelDeploymentSpec
        {
            Model = new ModelSource { Name = "churn", Version = "1", Uri = "file:///models/churn/1/model.onnx", Sha256 = "9d86442c432d6da54c716609b1c230efe0871400522952b997598ce78b904072" },
            Replicas = 1,
        },
    };

    // The operator's writes to its children: creates, updates, patches and deletes of Deployments and
    // Services (the deployment controller writes only their status, which is not counted here).
    private static async Task<int> OperatorChildWritesAsync(InMemoryApiServer server, IKubernetesClient client)
    {
        var deployments = await client.Resource<Deployment>().ListAllAsync("default").ConfigureAwait(false);
        var services = await client.Resource<Service>().ListAllAsync("default").ConfigureAwait(false);
        return deployments.Items.Sum(d => server.Writes("deployments", "default", d.Metadata.Name!).Total)
            + services.Items.Sum(v => server.Writes("services", "default", v.Metadata.Name!).Total);
    }

    // Stands in for the kubelet: every pod that is not ready yet becomes Running and Ready.
    private static async Task KubeletAsync(IKubernetesClient client, CancellationToken cancellationToken)
    {
        var pods = client.Resource<Pod>();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var list = await pods.ListAllAsync(null, cancellationToken: cancellationToken).ConfigureAwait(false);
                foreach (var pod in list.Items.Where(p => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") != true))
                {
                    var ready = pod with
                    {
                        Status = new PodStatus
                        {
                            Phase = "Running",
                            PodIP = "127.0.0.1",
                            Conditions = [new PodCondition { Type = "Ready", Status = "True" }, new PodCondition { Type = "ContainersReady", Status = "True" }],
                            ContainerStatuses = [new ContainerStatus { Name = pod.Spec?.Containers?.FirstOrDefault()?.Name ?? "server", Ready = true, Started = true }],
                        },
                    };
                    try
                    {
                        await pods.UpdateStatusAsync(ready, cancellationToken: cancellationToken).ConfigureAwait(false);
                    }
                    catch (KubernetesApiException)
                    {
                        // Deleted or changed meanwhile: the next pass sees it again.
                    }
                }

                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
