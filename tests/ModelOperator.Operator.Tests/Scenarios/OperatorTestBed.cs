using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.Api;
using ModelOperator.Api.Schema;
using ModelOperator.ApiServer.Hosting;
using ModelOperator.ControllerRuntime.Events;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Configuration;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Analysis;
using ModelOperator.Operator.Health;
using ModelOperator.Operator.Hosting;
using ModelOperator.Operator.Load;
using ModelOperator.Operator.Reconciling;
using ModelOperator.Operator.Settings;
using ModelOperator.Rollouts.Analysis;
using ModelOperator.Rollouts.Autoscaling;
using ModelOperator.Testing;
using Prometheus;

namespace ModelOperator.Operator.Tests.Scenarios;

/// <summary>What the pods of one model version do in the simulated cluster, and what the metrics say about them.</summary>
/// <remarks><see cref="ModelReason"/>: the model server never gets ready and its ready endpoint answers this reason word.</remarks>
public sealed record VersionBehaviour(bool CrashLoops = false, double ErrorRate = 0.001, double P99 = 0.05, double PredictionDrift = 0.01, double FeatureDrift = 0.02, long Samples = 500, string? ModelReason = null, string? ModelMessage = null, double ShadowDisagreement = 0.002)
{
    public bool Ready => !CrashLoops && ModelReason is null;
}

/// <summary>
/// An in-memory API server with the ModelDeployment CRD, the reconciler reading it through the operator's own informer
/// caches (<see cref="InformerClusterView"/>), a simulated Deployment controller
/// (pods and Deployment status, readiness and crash loops per model version) and a fake metrics source, on a manual clock.
/// </summary>
internal sealed class OperatorTestBed : IAsyncDisposable, IAnalysisProvider, IModelReadinessProbe, ILoadSource
{
    public const string Namespace = "ml";
    private readonly Dictionary<string, VersionBehaviour> _behaviour = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LoadObservation> _load = new(StringComparer.Ordinal);

    // Revision → model version, as the simulated Deployment controller last saw it: the operator's cached pods have no
    // spec (OperatorCacheTransforms), so the fakes below know a pod's version by its revision label, as a real pod's
    // server would know its own model.
    private readonly Dictionary<string, string> _versionByRevision = new(StringComparer.Ordinal);

    private OperatorTestBed(InMemoryApiServer server, KubernetesClient client, ManualTimeProvider clock, InformerClusterView view)
    {
        Server = server;
        Client = client;
        Clock = clock;
        View = view;
        Reconciler = NewReconciler();
    }

    public InMemoryApiServer Server { get; }

    public KubernetesClient Client { get; }

    public ManualTimeProvider Clock { get; }

    /// <summary>What every reconciler of the bed reads: the operator's informer caches, caught up before each reconcile.</summary>
    public InformerClusterView View { get; }

    public ModelDeploymentReconciler Reconciler { get; set; }

    /// <summary>The operator's settings; after changing them, take a <see cref="NewReconciler"/> that reads them.</summary>
    public OperatorOptions Options { get; set; } = new() { DefaultImage = "modeloperator/modelserver:test" };

    public static async Task<OperatorTestBed> StartAsync()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var server = await InMemoryApiServer.StartAsync(new InMemoryApiServerOptions { TimeProvider = clock });
        using (var http = new HttpClient { BaseAddress = server.BaseUrl })
        {
            var crd = await http.PostAsync("apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                new StringContent(CrdGenerator.Generate().ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
            crd.EnsureSuccessStatusCode();
            (await http.PostAsJsonAsync("api/v1/namespaces", new { apiVersion = "v1", kind = "Namespace", metadata = new { name = Namespace } })).EnsureSuccessStatusCode();
        }

        var client = new KubernetesClient(new KubernetesConfiguration { Server = server.BaseUrl, Namespace = Namespace });
        return new OperatorTestBed(server, client, clock, await InformerClusterView.StartAsync(client, clock));
    }

    /// <summary>A fresh reconciler (as after an operator restart): no memory but what is in the API server.</summary>
    public ModelDeploymentReconciler NewReconciler() => new(
        Client, View, _ => this, this, this,
        new EventRecorder(Client.Resource<Event>(), Clock), Options, new OperatorMetrics(Prometheus.Metrics.NewCustomRegistry()), Clock,
        NullLogger<ModelDeploymentReconciler>.Instance);

    public void Behave(string version, VersionBehaviour behaviour) => _behaviour[version] = behaviour;

    public static ObjectKey Key(string name) => new(Namespace, name);

    public Task<ModelDeployment> GetAsync(string name) => Client.Resource<ModelDeployment>().GetAsync(Key(name));

    public Task<ModelDeployment> CreateAsync(ModelDeployment md) => Client.Resource<ModelDeployment>().CreateAsync(md);

    /// <summary>One round: the simulated Deployment controller acts, then the operator reconciles.</summary>
    public async Task RoundAsync(string name)
    {
        await SimulateDeploymentControllerAsync();
        await Reconciler.ReconcileAsync(Key(name), CancellationToken.None);
        await SimulateDeploymentControllerAsync();
    }

    /// <summary>Rounds every <paramref name="tick"/> until <paramref name="done"/> holds for the ModelDeployment.</summary>
    public async Task<ModelDeployment> RunUntilAsync(string name, Func<ModelDeployment, bool> done, TimeSpan? tick = null, int limit = 300)
    {
        for (var i = 0; i < limit; i++)
        {
            await RoundAsync(name);
            var md = await GetAsync(name);
            if (done(md))
            {
                return md;
            }

            Clock.Advance(tick ?? TimeSpan.FromSeconds(5));
        }

        var last = await GetAsync(name);
        Assert.Fail($"not reached after {limit} rounds: phase {last.Status?.Phase}, last decision {last.Status?.LastDecision?.Message}");
        return last;
    }

    /// <summary>
    /// The Deployment controller and kubelet, simulated: each Deployment gets as many pods as it asks for, ready unless
    /// its model version crash-loops, and a status with observedGeneration and the replica counts. Writes only changes.
    /// </summary>
    public async Task SimulateDeploymentControllerAsync()
    {
        var deployments = (await Client.Resource<Deployment>().ListAllAsync(Namespace)).Items;
        var pods = (await Client.Resource<Pod>().ListAllAsync(Namespace)).Items;
        foreach (var deployment in deployments.Where(d => d.Metadata.DeletionTimestamp is null))
        {
            var name = deployment.Metadata.Name!;
            var version = deployment.Spec!.Template!.Spec!.Containers![0].Env!.Single(e => e.Name == "MODEL_VERSION").Value!;
            _versionByRevision[name] = version;
            var behaviour = _behaviour.GetValueOrDefault(version) ?? new VersionBehaviour();
            var mine = pods.Where(p => p.Metadata.Labels?.GetValueOrDefault(Labels.Revision) == name).OrderBy(p => p.Metadata.Name, StringComparer.Ordinal).ToList();
            var want = deployment.Spec.Replicas ?? 0;
            for (var i = mine.Count; i < want; i++)
            {
                var pod = await Client.Resource<Pod>().CreateAsync(new Pod
                {
                    Metadata = new ObjectMeta { Name = $"{name}-{i}", Namespace = Namespace, Labels = deployment.Spec.Template.Metadata!.Labels },
                    Spec = deployment.Spec.Template.Spec,
                });
                await Client.Resource<Pod>().UpdateStatusAsync(pod with { Status = PodStatus(behaviour) });
            }

            foreach (var unstarted in mine.Take(want).Where(p => p.Status?.PodIP is null))
            {
                await Client.Resource<Pod>().UpdateStatusAsync(unstarted with { Status = PodStatus(behaviour) }); // the kubelet catches up
            }

            foreach (var extra in mine.Skip(want))
            {
                await Client.Resource<Pod>().DeleteAsync(ObjectKey.From(extra));
            }

            var ready = behaviour.Ready ? want : 0;
            var status = new DeploymentStatus { ObservedGeneration = deployment.Metadata.Generation, Replicas = want, UpdatedReplicas = want, ReadyReplicas = ready, AvailableReplicas = ready };
            var old = deployment.Status;
            if (old is null || old.ObservedGeneration != status.ObservedGeneration || old.Replicas != want || old.UpdatedReplicas != want || old.ReadyReplicas != ready || old.AvailableReplicas != ready)
            {
                await Client.Resource<Deployment>().UpdateStatusAsync(deployment with { Status = status });
            }
        }
    }

    private static PodStatus PodStatus(VersionBehaviour behaviour) => new()
    {
        Phase = "Running",
        PodIP = "10.0.0.1",
        Conditions = [new PodCondition { Type = "Ready", Status = behaviour.Ready ? "True" : "False" }],
        ContainerStatuses =
        [
            new ContainerStatus
            {
                Name = "modelserver",
                Ready = behaviour.Ready,
                RestartCount = behaviour.CrashLoops ? 6 : 0,
                State = behaviour.CrashLoops ? new ContainerState { Waiting = new ContainerStateWaiting { Reason = "CrashLoopBackOff" } } : new ContainerState { Running = new ContainerStateRunning() },
            },
        ],
    };

    /// <summary>The fake model server ready endpoint: a version's <see cref="VersionBehaviour.ModelReason"/>, else ready.</summary>
    public Task<ModelReadiness?> ProbeAsync(Pod pod, CancellationToken cancellationToken)
    {
        ProbedPods.Add(pod.Metadata.Name!);
        var b = _behaviour.GetValueOrDefault(VersionOf(pod) ?? string.Empty) ?? new VersionBehaviour();
        return Task.FromResult<ModelReadiness?>(b.ModelReason is null ? new ModelReadiness(true, null, null) : new ModelReadiness(false, b.ModelReason, b.ModelMessage));
    }

    /// <summary>The load the pods of a model version report from now on (unknown until set).</summary>
    public void Load(string version, LoadObservation load) => _load[version] = load;

    /// <summary>The fake load source: what <see cref="Load"/> set for the pods' version.</summary>
    public Task<LoadObservation> ObserveAsync(string revision, IReadOnlyList<Pod> pods, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult(pods.Select(VersionOf).FirstOrDefault(v => v is not null && _load.ContainsKey(v)) is { } version ? _load[version] : new LoadObservation());

    /// <summary>Names of the pods whose ready endpoint the operator asked, in order.</summary>
    public List<string> ProbedPods { get; } = [];

    private string? VersionOf(Pod pod) =>
        pod.Metadata.Labels?.GetValueOrDefault(Labels.Revision) is { } revision ? _versionByRevision.GetValueOrDefault(revision) : null;

    /// <summary>The fake metrics source: the canary's version decides the numbers.</summary>
    public Task<AnalysisResult> MeasureAsync(AnalysisRequest request, CancellationToken cancellationToken)
    {
        var version = request.CanaryPods.Select(VersionOf).FirstOrDefault(v => v is not null);
        var b = (version is null ? null : _behaviour.GetValueOrDefault(version)) ?? new VersionBehaviour();
        var w = request.Window;
        return Task.FromResult(new AnalysisResult
        {
            Revision = request.CanaryRevision,
            MeasuredAt = request.Now,
            ErrorRate = Measurement.Of(b.ErrorRate, b.Samples, w),
            P99Latency = Measurement.Of(b.P99, b.Samples, w),
            PredictionDrift = Measurement.Of(b.PredictionDrift, b.Samples, w),
            FeatureDrift = Measurement.Of(b.FeatureDrift, b.Samples, w),
            Shadow = request.Shadow,
            ShadowDisagreement = request.Shadow ? Measurement.Of(b.ShadowDisagreement, b.Samples, w) : null,
        });
    }

    public async ValueTask DisposeAsync()
    {
        await View.DisposeAsync();
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
