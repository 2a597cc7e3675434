using System.Diagnostics;
using ModelOperator.Api;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Benchmarks;

/// <summary>
/// Warms the harness, never the operator: before run 1, a throw-away <see cref="ScaleHarness"/> goes through the same
/// kinds of requests a run makes (ModelDeployments created, a Deployment, Service, Event and status write for each, the
/// deployment controller's pods, the stand-in kubelet's status writes, lists and watches), with the bench process itself
/// writing what the operator would. The in-memory API server, the deployment controller and the kubelet stand in for
/// long-running ones, which a freshly started operator meets warm; without this, run 1 also paid for the bench
/// process's JIT of all of them, on the same 2 cores as the operator. The operator process starts cold in every run.
/// </summary>
internal static class HarnessWarmup
{
    /// <summary>What warming cost: wall time, the bench process's CPU and the methods it JIT-compiled meanwhile.</summary>
    public sealed record Cost(TimeSpan Elapsed, CpuUse Cpu);

    /// <summary>
    /// Rounds of warming, each on a fresh harness as each run has. One is not enough: the bench process compiles a
    /// method quickly first and optimized only once it has been called often after compiling settled, which in one
    /// round happens for too few (measured: run 1 still JIT-compiled 4 356 methods after one round of 1 000, against
    /// 302 in run 2, on a machine loaded by other builds).
    /// </summary>
    private const int Rounds = 2;

    public static async Task<Cost> RunAsync(int count)
    {
        var before = CpuUse.Now(null);
        var clock = Stopwatch.StartNew();
        for (var round = 0; round < Rounds; round++)
        {
            await RoundAsync(count, clock).ConfigureAwait(false);
        }

        return new Cost(clock.Elapsed, CpuUse.Now(null) - before);
    }

    private static async Task RoundAsync(int count, Stopwatch clock)
    {
        await using (var harness = await ScaleHarness.StartAsync().ConfigureAwait(false))
        {
            var client = harness.Client;
            await using var timeline = new ScaleTimeline(client, "default", count, clock);
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            {
                var md = await client.Resource<ModelDeployment>().CreateAsync(OperatorScaleBenchmark.Md(i), cancellationToken: ct).ConfigureAwait(false);
                await PlayOperatorAsync(client, md, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);

            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await Task.WhenAll(timeline.PodsReady.Reached.WaitAsync(timeout.Token), timeline.Healthy.Reached.WaitAsync(timeout.Token)).ConfigureAwait(false);
            await client.Resource<ModelDeployment>().ListAllAsync("default").ConfigureAwait(false);
            await client.Resource<Deployment>().ListAllAsync("default").ConfigureAwait(false);
            await client.Resource<Service>().ListAllAsync("default").ConfigureAwait(false);
            // The operator's informers list by its label.
            var managed = new ListOptions { LabelSelector = $"{Labels.ManagedBy}={Labels.ManagedByValue}" };
            await client.Resource<Deployment>().ListAllAsync("default", managed).ConfigureAwait(false);
            await client.Resource<Pod>().ListAllAsync("default", managed).ConfigureAwait(false);
        }
    }

    // What the operator writes for a new ModelDeployment: its Deployment and Service, an Event, and its status.
    private static async Task PlayOperatorAsync(IKubernetesClient client, ModelDeployment md, CancellationToken ct)
    {
        var name = md.Metadata.Name!;
        var labels = new Dictionary<string, string> { [Labels.ManagedBy] = Labels.ManagedByValue, [Labels.Deployment] = name };
        var owner = new OwnerReference { ApiVersion = md.ApiVersion, Kind = md.Kind, Name = name, Uid = md.Metadata.Uid!, Controller = true, BlockOwnerDeletion = true };
        var meta = new ObjectMeta { Name = name, Namespace = "default", Labels = labels, OwnerReferences = [owner] };
        await client.Resource<Deployment>().CreateAsync(new Deployment
        {
            Metadata = meta,
            Spec = new DeploymentSpec
            {
                Replicas = 1,
                Selector = new LabelSelector { MatchLabels = labels },
                Template = new PodTemplateSpec
                {
                    Metadata = new ObjectMeta { Labels = labels },
                    Spec = new PodSpec { Containers = [new Container { Name = "server", Image = "modelserver:warmup", Ports = [new ContainerPort { Name = "http", Port = 8080 }] }] },
                },
            },
        }, cancellationToken: ct).ConfigureAwait(false);
        await client.Resource<Service>().CreateAsync(new Service
        {
            Metadata = meta,
            Spec = new ServiceSpec { Selector = labels, Ports = [new ServicePort { Name = "http", Port = 80, TargetPort = IntOrString.FromInt(8080) }] },
        }, cancellationToken: ct).ConfigureAwait(false);
        await client.Resource<Event>().CreateAsync(new Event
        {
            Metadata = new ObjectMeta { Name = $"{name}.warmup", Namespace = "default" },
            InvolvedObject = new ObjectReference { ApiVersion = md.ApiVersion, Kind = md.Kind, Name = name, Namespace = "default", Uid = md.Metadata.Uid },
            Reason = "Warmup",
            Message = "harness warm-up",
            Type = "Normal",
        }, cancellationToken: ct).ConfigureAwait(false);
        await client.Resource<ModelDeployment>().UpdateStatusAsync(md with
        {
            Status = new ModelDeploymentStatus { ObservedGeneration = md.Metadata.Generation, Phase = Phases.Healthy },
        }, cancellationToken: ct).ConfigureAwait(false);
    }
}
