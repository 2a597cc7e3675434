using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.Api;
using ModelOperator.ApiServer.Hosting;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Configuration;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Children;
using ModelOperator.Operator.Hosting;
using ModelOperator.Operator.Reconciling;
using ModelOperator.Operator.Settings;

namespace ModelOperator.Operator.Tests.Hosting;

/// <summary>The operator's caches against the in-memory API server: what a cached pod keeps, and finding a ModelDeployment's pods.</summary>
public sealed class OperatorCacheTests
{
    private const string Ns = "default";

    [Fact]
    public void A_cached_pod_keeps_what_the_reconciler_reads_and_loses_its_spec()
    {
        var pod = Pod("churn", "churn-abc-1", ready: false) with
        {
            Metadata = Pod("churn", "churn-abc-1", ready: false).Metadata with
            {
                DeletionTimestamp = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero),
                ExtensionData = new Dictionary<string, System.Text.Json.JsonElement>
                {
                    ["managedFields"] = System.Text.Json.JsonDocument.Parse("""[{"manager":"kubelet"}]""").RootElement,
                },
            },
        };

        var cached = OperatorCacheTransforms.Pod(pod);

        Assert.Null(cached.Spec);
        Assert.Null(cached.Metadata.ExtensionData);
        Assert.Equal(pod.Metadata with { ExtensionData = null }, cached.Metadata); // name, uid, labels, annotations, deletion
        Assert.Equal(pod.Status, cached.Status); // conditions, container statuses (restarts, crash loops), pod IP
        Assert.False(SnapshotBuilder.IsReady(cached));
        Assert.Equal(3, SnapshotBuilder.Health([cached with { Metadata = cached.Metadata with { DeletionTimestamp = null } }]).Restarts);
    }

    [Fact]
    public void The_informers_decoding_reads_a_pod_into_the_same_shape_as_the_transform()
    {
        var pod = Pod("churn", "churn-abc-1", ready: false);
        var json = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(pod, Kubernetes.Models.Pod.JsonTypeInfo))!;
        json["metadata"]!["managedFields"] = System.Text.Json.Nodes.JsonNode.Parse("""[{"manager":"kubelet","operation":"Update"}]""");
        json["spec"]!["dnsPolicy"] = "ClusterFirst"; // a default the API server fills in

        var decoded = System.Text.Json.JsonSerializer.Deserialize<Pod>(json.ToJsonString(), OperatorCacheTransforms.Decoding<Pod>(new ControllerRuntime.Informers.StringPool()))!;
        var transformed = OperatorCacheTransforms.Pod(System.Text.Json.JsonSerializer.Deserialize(json.ToJsonString(), Kubernetes.Models.Pod.JsonTypeInfo)!);

        Assert.Equal(
            System.Text.Json.JsonSerializer.Serialize(transformed, Kubernetes.Models.Pod.JsonTypeInfo),
            System.Text.Json.JsonSerializer.Serialize(decoded, Kubernetes.Models.Pod.JsonTypeInfo));
        Assert.Null(decoded.Spec);
        Assert.Null(decoded.Metadata.ExtensionData);
    }

    [Fact]
    public async Task A_model_deployments_pods_come_from_the_index_and_only_its_own()
    {
        await using var server = await InMemoryApiServer.StartAsync();
        using var client = new KubernetesClient(new KubernetesConfiguration { Server = server.BaseUrl });
        var pods = client.Resource<Pod>();
        foreach (var pod in new[] { Pod("churn", "churn-a-1", ready: true), Pod("churn", "churn-b-1", ready: false), Pod("churn-v2", "churn-v2-a-1", ready: true) })
        {
            var created = await pods.CreateAsync(pod);
            await pods.UpdateStatusAsync(created with { Status = pod.Status });
        }

        await pods.CreateAsync(Pod("churn", "not-ours", ready: true) with { Metadata = new ObjectMeta { Name = "not-ours", Namespace = Ns, Labels = new Dictionary<string, string> { [Labels.Deployment] = "churn" } } });
        var informers = new OperatorInformers(client, new OperatorOptions { WatchNamespaces = [Ns] }, TimeProvider.System, NullLoggerFactory.Instance);
        using var stop = new CancellationTokenSource();
        var running = informers.Pods.RunAsync(stop.Token);
        await informers.Pods.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        var view = new CacheClusterView(informers);
        var churn = await view.PodsAsync(new ObjectKey(Ns, "churn"), CancellationToken.None);
        var v2 = await view.PodsAsync(new ObjectKey(Ns, "churn-v2"), CancellationToken.None);
        var elsewhere = await view.PodsAsync(new ObjectKey("other", "churn"), CancellationToken.None);

        Assert.Equal(["churn-a-1", "churn-b-1"], churn.Select(p => p.Metadata.Name));
        Assert.Equal(["churn-v2-a-1"], v2.Select(p => p.Metadata.Name));
        Assert.Empty(elsewhere);
        Assert.All(churn.Concat(v2), p => Assert.Null(p.Spec));
        Assert.Equal([true, false], churn.Select(SnapshotBuilder.IsReady));
        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static Pod Pod(string modelDeployment, string name, bool ready) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = name,
            Namespace = Ns,
            Uid = $"uid-{name}",
            Labels = new Dictionary<string, string>
            {
                [Labels.ManagedBy] = Labels.ManagedByValue,
                [Labels.Deployment] = modelDeployment,
                [Labels.Revision] = $"{modelDeployment}-rev",
            },
            Annotations = new Dictionary<string, string> { ["prometheus.io/port"] = "8080" },
        },
        Spec = new PodSpec { Containers = [new Container { Name = ChildNames.Container, Image = "modeloperator/modelserver:test" }] },
        Status = new PodStatus
        {
            Phase = "Running",
            PodIP = "10.0.0.7",
            Conditions = [new PodCondition { Type = "Ready", Status = ready ? "True" : "False" }],
            ContainerStatuses = [new ContainerStatus { Name = ChildNames.Container, Ready = ready, RestartCount = ready ? 0 : 3 }],
        },
    };
}
