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
/// runs as its own process (so its resident memory is its own); the bench process hosts the API
/// server, the sandbox's deployment controller and a stand-in kubelet that marks pods ready.
/// Measures time until every ModelDeployment is Healthy, the operator's writes per object, its
/// resident memory, and the writes a resync makes once everything has converged.
/// </summary>
internal sealed class OperatorScaleBenchmark(bool quick) : IBenchmarkSection
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public string Name => "operator-scale";

    public async Task<string> RunAsync()
    {
        var count = quick ? 200 : 1000;
        var resync = TimeSpan.FromSeconds(10);
        await using var server = await InMemoryApiServer.StartAsync().ConfigureAwait(false);
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"bench-operator-{Guid.NewGuid():N}.kubeconfig");
        server.WriteKubeconfig(kubeconfig);
        using var client = new KubernetesClient(new KubernetesConfiguration { Server = server.BaseUrl });
        using var stop = new CancellationTokenSource();
        try
        {
            await Kubectl(kubeconfig, "apply", "-f", Path.Combine(AppContext.BaseDirectory, "crds", "modeldeployments.modeloperator.io.yaml")).ConfigureAwait(false);
            var controller = new SandboxDeploymentController(client);
            var controllerRun = controller.RunAsync(stop.Token);
            var kubelet = Task.Run(() => KubeletAsync(client, stop.Token));

            using var op = Process.Start(new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                ArgumentList = { Path.Combine(AppContext.BaseDirectory, "modeloperator.dll"), "--kubeconfig", kubeconfig, "--leader-elect", "false", "--http-port", "0", "--resync-period", "10s" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            op.OutputDataReceived += (_, _) => { };
            op.ErrorDataReceived += (_, _) => { };
            op.BeginOutputReadLine();
            op.BeginErrorReadLine();
            try
            {
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
                var writes = Enumerable.Range(0, count).Select(i => server.Writes("modeldeployments", "default", MdName(i))).ToList();
                var mdWrites = writes.Select(w => w.Total - 1 + w.StatusTotal).ToList(); // minus the bench's own create
                var children = await OperatorChildWritesAsync(server, client).ConfigureAwait(false);
                var rss = ResidentMiB(op);

                // Nothing changes now: a full resync (and then some) must write nothing.
                await Task.Delay(resync * 2.5).ConfigureAwait(false);
                var after = Enumerable.Range(0, count).Sum(i => { var w = server.Writes("modeldeployments", "default", MdName(i)); return w.Total + w.StatusTotal; });
                var resyncWrites = after - writes.Sum(w => w.Total + w.StatusTotal) + (await OperatorChildWritesAsync(server, client).ConfigureAwait(false) - children);
                var steadyRss = ResidentMiB(op);

                var s = new StringBuilder();
                s.AppendLine(Inv, $"## Operator at scale ({count} ModelDeployments)");
                s.AppendLine();
                s.AppendLine(Inv, $"The operator (`modeloperator`, default settings, 2 workers, resync {resync.TotalSeconds:0} s) runs as its own process against the in-memory API server; the bench process also runs the sandbox's deployment controller and a stand-in kubelet that marks every pod ready. Each ModelDeployment has 1 replica and no canary steps pending (a first deployment goes straight to stable). {count} creates took {created.TotalSeconds:0.0} s.");
                s.AppendLine();
                s.AppendLine("| target | measured | verdict |");
                s.AppendLine("|---|---|---|");
                Report.Verdict(s, $"all {count} Healthy within 30 s of the first create", $"{healthy} Healthy after {converged.TotalSeconds:0.0} s", healthy == count && converged <= TimeSpan.FromSeconds(30));
                Report.Verdict(s, "at most 3 writes per ModelDeployment to converge (status and metadata)", $"mean {mdWrites.Average():0.0}, max {mdWrites.Max()}; children: {children} operator writes to Deployments and Services ({(double)children / count:0.0} per ModelDeployment)", mdWrites.Max() <= 3);
                Report.Verdict(s, "operator resident memory ≤ 150 MiB (steady state, after the resync window)", $"{steadyRss:0} MiB (right after convergence: {rss:0} MiB)", steadyRss <= 150);
                Report.Verdict(s, "a no-op resync makes zero writes", $"{resyncWrites} writes in {resync.TotalSeconds * 2.5:0} s after convergence", resyncWrites == 0);
                return s.ToString();
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

    private static double ResidentMiB(Process process)
    {
        var line = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], Inv) / 1024;
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

    private static async Task Kubectl(string kubeconfig, params string[] args)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("KUBECTL") ?? "kubectl") { RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add("--kubeconfig");
        info.ArgumentList.Add(kubeconfig);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var err = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"kubectl {string.Join(' ', args)} failed: {await err.ConfigureAwait(false)}");
        }
    }
}
