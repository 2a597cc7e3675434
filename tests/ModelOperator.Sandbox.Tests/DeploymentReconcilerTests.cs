using System.Net.Http.Json;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.ApiServer.Hosting;
using ModelOperator.ControllerRuntime.Informers;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Configuration;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Kubernetes.Watching;
using ModelOperator.Sandbox.Deployments;
using ModelOperator.Testing;

namespace ModelOperator.Sandbox.Tests;

/// <summary>
/// The deployment reconciler against the in-memory API server on a manual clock, without processes: the test plays
/// the kubelet by writing pod status itself, and calls reconcile directly.
/// </summary>
public sealed class DeploymentReconcilerTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly CancellationTokenSource _stop = new();
    private InMemoryApiServer _server = null!;
    private KubernetesClient _client = null!;
    private Informer<Deployment> _deployments = null!;
    private Informer<Pod> _pods = null!;
    private DeploymentReconciler _reconciler = null!;
    private Task _informers = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _server = await InMemoryApiServer.StartAsync(new InMemoryApiServerOptions { TimeProvider = _clock });
        using (var http = new HttpClient { BaseAddress = _server.BaseUrl })
        {
            (await http.PostAsJsonAsync("api/v1/namespaces", new { apiVersion = "v1", kind = "Namespace", metadata = new { name = SandboxTestBed.Namespace } })).EnsureSuccessStatusCode();
        }

        _client = new KubernetesClient(new KubernetesConfiguration { Server = _server.BaseUrl, Namespace = SandboxTestBed.Namespace });
        _deployments = new Informer<Deployment>(new ResourceListerWatcher<Deployment>(_client.Resource<Deployment>()), _clock);
        _pods = new Informer<Pod>(
            new ResourceListerWatcher<Pod>(_client.Resource<Pod>()),
            _clock,
            indexers: new Dictionary<string, Func<Pod, IEnumerable<string>>> { [Indexers.ControllerUidIndex] = Indexers.ControllerUid });
        _informers = Task.WhenAll(_deployments.RunAsync(_stop.Token), _pods.RunAsync(_stop.Token));
        await Task.WhenAll(_deployments.WaitForSyncAsync(_stop.Token), _pods.WaitForSyncAsync(_stop.Token));
        _reconciler = new DeploymentReconciler(_client.Resource<Deployment>(), _client.Resource<Pod>(), _deployments.Cache, _pods.Cache, _clock, NullLogger.Instance);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _informers;
        }
        catch (OperationCanceledException)
        {
        }

        _client.Dispose();
        await _server.DisposeAsync();
        _stop.Dispose();
    }

    [Fact]
    public async Task Creates_the_pods_reports_them_as_they_become_ready_and_writes_nothing_when_nothing_changed()
    {
        // Given a Deployment of 2 replicas in the cache
        var created = await _client.Resource<Deployment>().CreateAsync(SandboxTestBed.ModelDeployment("web", 2, new Dictionary<string, string> { ["app"] = "web" }, ("MODEL_NAME", "web")));
        var key = SandboxTestBed.Key("web");
        await Until(() => _deployments.Cache.Get(key) is not null);

        // When it is reconciled, Then two pods of its template exist, owned by it
        await _reconciler.ReconcileAsync(key, CancellationToken.None);
        await Until(() => OwnedPods(created).Count == 2);
        var pods = OwnedPods(created);
        var hash = PodTemplateHash.Of(created.Spec!.Template!);
        Assert.All(pods, p => Assert.Equal(hash, p.Metadata.Labels![SandboxNames.PodTemplateHashLabel]));
        Assert.All(pods, p => Assert.Equal("web", p.Metadata.Labels!["app"]));

        // When it is reconciled again with the pods in the cache, Then the status counts them, none ready
        await _reconciler.ReconcileAsync(key, CancellationToken.None);
        var status = (await _client.Resource<Deployment>().GetAsync(key)).Status!;
        Assert.Equal((2, 2, 0, 0, 2), (status.Replicas, status.UpdatedReplicas, status.ReadyReplicas, status.AvailableReplicas, status.UnavailableReplicas));
        Assert.Equal("False", status.Conditions!.Single(c => c.Type == "Available").Status);

        // When nothing changed, Then another reconcile creates no pod and writes no status
        await Until(() => _deployments.Cache.Get(key)?.Status?.Replicas == 2);
        var writes = _server.Writes("deployments", SandboxTestBed.Namespace, "web");
        await _reconciler.ReconcileAsync(key, CancellationToken.None);
        Assert.Equal(writes, _server.Writes("deployments", SandboxTestBed.Namespace, "web"));
        Assert.Equal(2, OwnedPods(created).Count);

        // When the kubelet reports both pods ready, Then the Deployment is available and complete
        foreach (var pod in pods)
        {
            await _client.Resource<Pod>().PatchStatusAsync(
                ObjectKey.From(pod),
                Patch.Merge(System.Text.Json.Nodes.JsonNode.Parse($$$"""{"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True","lastTransitionTime":"{{{_clock.GetUtcNow():yyyy-MM-ddTHH:mm:ssZ}}}"}]}}""")!.AsObject()));
        }

        await Until(() => OwnedPods(created).All(p => DeploymentStatusCalculator.ReadySince(p) is not null));
        await _reconciler.ReconcileAsync(key, CancellationToken.None);
        status = (await _client.Resource<Deployment>().GetAsync(key)).Status!;
        Assert.Equal((2, 2, 2, 0), (status.ReadyReplicas, status.AvailableReplicas, status.UpdatedReplicas, status.UnavailableReplicas));
        Assert.Contains(status.Conditions!, c => c is { Type: "Available", Status: "True" });
        Assert.Contains(status.Conditions!, c => c is { Type: "Progressing", Status: "True", Reason: "NewReplicaSetAvailable" });
    }

    [Fact]
    public async Task Pods_that_never_become_ready_turn_Progressing_false_after_the_deadline()
    {
        var deployment = SandboxTestBed.ModelDeployment("slow", 1, new Dictionary<string, string> { ["app"] = "slow" }, ("MODEL_NAME", "slow"));
        var created = await _client.Resource<Deployment>().CreateAsync(deployment with { Spec = deployment.Spec! with { ProgressDeadlineSeconds = 60 } });
        var key = SandboxTestBed.Key("slow");
        await Until(() => _deployments.Cache.Get(key) is not null);
        await _reconciler.ReconcileAsync(key, CancellationToken.None);
        await Until(() => OwnedPods(created).Count == 1);
        var result = await _reconciler.ReconcileAsync(key, CancellationToken.None);
        Assert.Equal(TimeSpan.FromSeconds(61), result.RequeueAfter);
        await Until(() => _deployments.Cache.Get(key)?.Status?.Replicas == 1);

        _clock.Advance(TimeSpan.FromSeconds(61));
        await _reconciler.ReconcileAsync(key, CancellationToken.None);

        var progressing = (await _client.Resource<Deployment>().GetAsync(key)).Status!.Conditions!.Single(c => c.Type == "Progressing");
        Assert.Equal(("False", "ProgressDeadlineExceeded"), (progressing.Status, progressing.Reason));
    }

    private List<Pod> OwnedPods(Deployment owner) => [.. _pods.Cache.ByIndex(Indexers.ControllerUidIndex, owner.Metadata.Uid!)];

    private static Task Until(Func<bool> condition) =>
        SandboxTestBed.EventuallyAsync(() => Task.FromResult(condition()), done => done, Timeout, _ => "the cache did not catch up");
}
