using System.Diagnostics;
using System.Globalization;
using System.Text;
using ModelOperator.ApiServer.Hosting;
using ModelOperator.ControllerRuntime.Informers;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Configuration;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Benchmarks;

/// <summary>
/// Issue "Kubernetes API client, controller runtime, and an in-memory API server": an informer
/// holding 10 000 objects (Pods with a container, labels and an owner reference, about the size
/// the operator watches): time from start to synced, and managed memory per 1 000 cached objects.
/// </summary>
internal sealed class InformerBenchmark(bool quick) : IBenchmarkSection
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public string Name => "informer";

    public async Task<string> RunAsync()
    {
        const int objects = 10_000;
        var rounds = quick ? 1 : 3;
        await using var server = await InMemoryApiServer.StartAsync().ConfigureAwait(false);
        using var client = new KubernetesClient(new KubernetesConfiguration { Server = server.BaseUrl });
        var pods = client.Resource<Pod>();

        var created = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, objects), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            await pods.CreateAsync(MakePod(i), cancellationToken: ct).ConfigureAwait(false)).ConfigureAwait(false);
        created.Stop();

        var syncSeconds = new List<double>();
        var bytesPer1000 = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var informer = new Informer<Pod>(new ResourceListerWatcher<Pod>(pods), TimeProvider.System);
            using var stop = new CancellationTokenSource();
            var started = Stopwatch.StartNew();
            var run = informer.RunAsync(stop.Token);
            await informer.WaitForSyncAsync(CancellationToken.None).ConfigureAwait(false);
            started.Stop();
            if (informer.Cache.Count != objects)
            {
                throw new InvalidOperationException($"the informer holds {informer.Cache.Count} objects, expected {objects}");
            }

            var after = GC.GetTotalMemory(forceFullCollection: true);
            syncSeconds.Add(started.Elapsed.TotalSeconds);
            bytesPer1000.Add((after - before) / (objects / 1000.0));
            GC.KeepAlive(informer);
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await run.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        var s = new StringBuilder();
        s.AppendLine("## Informer over the in-memory API server");
        s.AppendLine();
        s.AppendLine(Inv, $"{objects} Pods (a container with a port, 3 labels, an owner reference) created over HTTP in {created.Elapsed.TotalSeconds:0.0} s ({objects / created.Elapsed.TotalSeconds:0} creates/s, 8 at a time). A fresh informer then lists them in pages of 500 over loopback and fills its indexed cache; {rounds} round(s), medians.");
        s.AppendLine();
        s.AppendLine("| measurement | median | rounds |");
        s.AppendLine("|---|---|---|");
        s.AppendLine(Inv, $"| time to sync 10 000 objects | {Stats.Median(syncSeconds):0.00} s | {string.Join(", ", syncSeconds.Select(v => v.ToString("0.00", Inv)))} |");
        s.AppendLine(Inv, $"| managed memory per 1 000 cached objects | {Stats.Median(bytesPer1000) / (1024 * 1024):0.00} MiB | {string.Join(", ", bytesPer1000.Select(v => (v / (1024 * 1024)).ToString("0.00", Inv)))} |");
        return s.ToString();
    }

    private static Pod MakePod(int i) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = $"churn-5d8f7c9b4-{i:00000}",
            Namespace = "default",
            Labels = new Dictionary<string, string>
            {
                ["modeloperator.io/deployment"] = "churn",
                ["modeloperator.io/revision"] = "churn-5d8f7c9b4",
                ["app.kubernetes.io/managed-by"] = "modeloperator",
            },
            OwnerReferences = [new OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "churn-5d8f7c9b4", Uid = "9a0c6d2e-1111-4c1b-9d6e-5b0f7f3a2c10", Controller = true }],
        },
        Spec = new PodSpec
        {
            Containers =
            [
                new Container
                {
                    Name = "modelserver",
                    Image = "modeloperator/modelserver:0.1.0",
                    Ports = [new ContainerPort { Name = "http", Port = 8080 }],
                },
            ],
        },
    };
}
