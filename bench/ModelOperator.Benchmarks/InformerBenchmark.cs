using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.ApiServer.Hosting;
using ModelOperator.ControllerRuntime.Informers;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Configuration;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Hosting;

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
        var load = Machine.LoadAverage();
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
        // Every synced informer is kept alive on purpose, so the heap only grows by what each
        // new one retains: a collection of an earlier one cannot blur the difference.
        var alive = new List<IDisposable>();
        var before = Heap();
        for (var round = 0; round < rounds; round++)
        {
            var (seconds, holder) = await SyncAsync(server.BaseUrl, objects).ConfigureAwait(false);
            alive.Add(holder);
            var after = Heap();
            syncSeconds.Add(seconds);
            bytesPer1000.Add((after - before) / (objects / 1000.0));
            before = after;
        }

        alive.ForEach(a => a.Dispose());

        // The same objects as KubernetesClient's typed models (k8s.Models.V1Pod through its KubernetesJson), held in a
        // dictionary by namespace/name: what a cache over the package's models would retain. Same rounds, same method.
        var packageBytesPer1000 = new List<double>();
        var packageAlive = new List<object>();
        before = Heap();
        for (var round = 0; round < rounds; round++)
        {
            packageAlive.Add(await PackageModelsAsync(server.BaseUrl, objects).ConfigureAwait(false));
            var after = Heap();
            packageBytesPer1000.Add((after - before) / (objects / 1000.0));
            before = after;
        }

        GC.KeepAlive(packageAlive);

        var sync = Stats.Median(syncSeconds);
        var perThousand = Stats.Median(bytesPer1000) / (1024 * 1024);
        var s = new StringBuilder();
        s.AppendLine("## Informer over the in-memory API server");
        s.AppendLine();
        s.Append(Inv, $"{objects} Pods (a container with a port, 3 labels, an owner reference; stored as the API server stores them, with the defaults it fills in) created over HTTP in {created.Elapsed.TotalSeconds:0.0} s ({objects / created.Elapsed.TotalSeconds:0} creates/s, 8 at a time). ")
            .Append("Each round a new client and the operator's own Pod informer (`OperatorInformers.PodInformer`: its label selector and index, pods read straight into the cached shape without spec or managedFields, strings shared through a string pool of the round's own) ")
            .Append("list them in pages of 500 over loopback and fill the indexed cache; the API server runs in the same process, so the time includes it serving the pages. ")
            .Append(Inv, $"Every informer is kept alive, so each round's heap growth is what one more informer retains (the first round also pays one-time JSON and type caches). {rounds} round(s), medians. ")
            .AppendLine(Inv, $"Load average when the section started: {load} on {Environment.ProcessorCount} cores.");
        s.AppendLine();
        s.AppendLine("| measurement | median | rounds |");
        s.AppendLine("|---|---|---|");
        s.AppendLine(Inv, $"| time to sync 10 000 objects | {sync:0.00} s | {string.Join(", ", syncSeconds.Select(v => v.ToString("0.00", Inv)))} |");
        s.AppendLine(Inv, $"| managed memory per 1 000 cached objects | {perThousand:0.00} MiB | {string.Join(", ", bytesPer1000.Select(v => (v / (1024 * 1024)).ToString("0.00", Inv)))} |");
        s.AppendLine(Inv, $"| the same objects, whole, as KubernetesClient's `V1Pod` models, per 1 000 (for comparison) | {Stats.Median(packageBytesPer1000) / (1024 * 1024):0.00} MiB | {string.Join(", ", packageBytesPer1000.Select(v => (v / (1024 * 1024)).ToString("0.00", Inv)))} |");
        s.AppendLine();
        s.AppendLine("| target | measured | verdict |");
        s.AppendLine("|---|---|---|");
        Report.Verdict(s, "memory per 1000 cached objects ≤ 2.5 MiB", $"{perThousand:0.00} MiB", perThousand <= 2.5);
        Report.Verdict(s, "10 000 objects synced in ≤ 0.35 s", $"{sync:0.00} s", sync <= 0.35);
        return s.ToString();
    }

    private static async Task<(double Seconds, IDisposable Holder)> SyncAsync(Uri server, int objects)
    {
        var client = new KubernetesClient(new KubernetesConfiguration { Server = server });
        // The operator's own Pod informer (label selector, index, decoding into the cached shape, transform), a string
        // pool of its own per round as each operator process has one.
        var informer = OperatorInformers.PodInformer(client, null, TimeProvider.System, NullLoggerFactory.Instance, new StringPool());
        var stop = new CancellationTokenSource();
        var started = Stopwatch.StartNew();
        _ = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(CancellationToken.None).ConfigureAwait(false);
        started.Stop();
        if (informer.Cache.Count != objects)
        {
            throw new InvalidOperationException($"the informer holds {informer.Cache.Count} objects, expected {objects}");
        }

        return (started.Elapsed.TotalSeconds, new Holder(informer, client, stop));
    }

    private static async Task<Dictionary<string, k8s.Models.V1Pod>> PackageModelsAsync(Uri server, int objects)
    {
        using var http = new HttpClient { BaseAddress = server };
        var json = await http.GetStringAsync(new Uri("api/v1/pods", UriKind.Relative)).ConfigureAwait(false);
        var list = k8s.KubernetesJson.Deserialize<k8s.Models.V1PodList>(json);
        var cache = list.Items.ToDictionary(p => $"{p.Metadata.NamespaceProperty}/{p.Metadata.Name}", StringComparer.Ordinal);
        return cache.Count == objects ? cache : throw new InvalidOperationException($"listed {cache.Count} V1Pods, expected {objects}");
    }

    private sealed class Holder(Informer<Pod> informer, KubernetesClient client, CancellationTokenSource stop) : IDisposable
    {
        public int Count => informer.Cache.Count;

        public void Dispose()
        {
            stop.Cancel();
            stop.Dispose();
            client.Dispose();
        }
    }

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
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
