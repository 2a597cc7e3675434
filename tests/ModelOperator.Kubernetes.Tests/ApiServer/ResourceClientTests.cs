using System.Text.Json.Nodes;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Testing;

namespace ModelOperator.Kubernetes.Tests.ApiServer;

public sealed class ResourceClientTests
{
    private static Deployment NewDeployment(string name, int replicas = 1, IReadOnlyDictionary<string, string>? labels = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "default", Labels = labels ?? new Dictionary<string, string> { ["app"] = name } },
        Spec = new DeploymentSpec
        {
            Replicas = replicas,
            Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new PodTemplateSpec
            {
                Metadata = new ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new PodSpec { Containers = [new Container { Name = "server", Image = "registry.example/churn:1" }] },
            },
        },
    };

    [Fact]
    public async Task Create_get_update_delete()
    {
        await using var api = await ApiServerFixture.StartAsync();
        var deployments = api.Client.Resource<Deployment>();

        var created = await deployments.CreateAsync(NewDeployment("churn"));
        var read = await deployments.GetAsync(new ObjectKey("default", "churn"));
        var updated = await deployments.UpdateAsync(read with { Spec = read.Spec! with { Replicas = 3 } });
        var deleted = await deployments.DeleteAsync(ObjectKey.From(updated));

        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));
        Assert.NotNull(created.Metadata.CreationTimestamp);
        Assert.Equal(created.Metadata.ResourceVersion, read.Metadata.ResourceVersion);
        Assert.Equal(3, updated.Spec!.Replicas);
        Assert.NotEqual(read.Metadata.ResourceVersion, updated.Metadata.ResourceVersion);
        Assert.True(updated.Metadata.Generation > created.Metadata.Generation);
        Assert.True(deleted is null || deleted.Metadata.Name == "churn");
        await Assert.ThrowsAsync<KubernetesNotFoundException>(() => deployments.GetAsync(new ObjectKey("default", "churn")));
    }

    [Fact]
    public async Task Stale_resource_version_conflicts_and_duplicate_create_already_exists()
    {
        await using var api = await ApiServerFixture.StartAsync();
        var deployments = api.Client.Resource<Deployment>();
        var first = await deployments.CreateAsync(NewDeployment("churn"));
        await deployments.UpdateAsync(first with { Spec = first.Spec! with { Replicas = 2 } });

        var stale = await Assert.ThrowsAsync<KubernetesConflictException>(() => deployments.UpdateAsync(first with { Spec = first.Spec! with { Replicas = 5 } }));
        var duplicate = await Assert.ThrowsAsync<KubernetesConflictException>(() => deployments.CreateAsync(NewDeployment("churn")));

        Assert.Equal(StatusReasons.Conflict, stale.Reason);
        Assert.False(stale.IsAlreadyExists);
        Assert.True(duplicate.IsAlreadyExists);
        Assert.Equal(2, (await deployments.GetAsync(ObjectKey.From(first))).Spec!.Replicas);
    }

    [Fact]
    public async Task Cluster_scoped_namespaces()
    {
        await using var api = await ApiServerFixture.StartAsync();
        var namespaces = api.Client.Resource<Namespace>();

        await namespaces.CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = "serving" } });
        var all = await namespaces.ListAllAsync(null);

        Assert.Contains(all.Items, n => n.Metadata.Name == "serving");
        Assert.Equal("serving", (await namespaces.GetAsync(ObjectKey.Cluster("serving"))).Metadata.Name);
    }

    [Fact]
    public async Task Pages_through_a_list_with_limit_and_continue()
    {
        await using var api = await ApiServerFixture.StartAsync();
        var leases = api.Client.Resource<Lease>();
        for (var i = 0; i < 7; i++)
        {
            await leases.CreateAsync(new Lease { Metadata = new ObjectMeta { Name = $"lease-{i}", Namespace = "default" } });
        }

        var page = await leases.ListAsync("default", new ListOptions { Limit = 3 });
        var all = await leases.ListAllAsync("default", new ListOptions { Limit = 3 });

        Assert.Equal(3, page.Items.Count);
        Assert.False(string.IsNullOrEmpty(page.Metadata.Continue));
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"lease-{i}"), all.Items.Select(l => l.Metadata.Name!).Order());
        Assert.Null(all.Metadata.Continue);
        Assert.False(string.IsNullOrEmpty(all.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task Label_selector_filters_the_list()
    {
        await using var api = await ApiServerFixture.StartAsync();
        var deployments = api.Client.Resource<Deployment>();
        await deployments.CreateAsync(NewDeployment("a", labels: new Dictionary<string, string> { ["tier"] = "model" }));
        await deployments.CreateAsync(NewDeployment("b", labels: new Dictionary<string, string> { ["tier"] = "cache" }));

        var models = await deployments.ListAsync("default", new ListOptions { LabelSelector = "tier=model" });

        Assert.Equal("a", Assert.Single(models.Items).Metadata.Name);
    }

    [Fact]
    public async Task Merge_and_json_patches()
    {
        await using var api = await ApiServerFixture.StartAsync();
        var deployments = api.Client.Resource<Deployment>();
        var key = ObjectKey.From(await deployments.CreateAsync(NewDeployment("churn")));

        var merged = await deployments.PatchAsync(key, Patch.Merge(new JsonObject
        {
            ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["rollout"] = "canary", ["app"] = null } },
        }));
        var patched = await deployments.PatchAsync(key, Patch.Json(
            JsonPatchOperation.Test("/spec/replicas", 1),
            JsonPatchOperation.Replace("/spec/replicas", 4),
            JsonPatchOperation.Add($"/metadata/annotations", new JsonObject { ["example.com/revision"] = "2" })));

        Assert.Equal(new Dictionary<string, string> { ["rollout"] = "canary" }, merged.Metadata.Labels);
        Assert.Equal(4, patched.Spec!.Replicas);
        Assert.Equal("2", patched.Metadata.Annotations!["example.com/revision"]);
    }

    [Fact]
    public async Task Server_side_apply_creates_then_removes_fields_the_manager_dropped()
    {
        await using var api = await ApiServerFixture.StartAsync();
        var deployments = api.Client.Resource<Deployment>();
        var desired = NewDeployment("churn", replicas: 2) with
        {
            Metadata = NewDeployment("churn").Metadata with { Annotations = new Dictionary<string, string> { ["example.com/owner"] = "team-a" } },
        };
        var apply = new ApplyOptions { FieldManager = "modeloperator", Force = true };

        var created = await deployments.ApplyAsync(desired, apply);
        var reapplied = await deployments.ApplyAsync(desired with { Metadata = desired.Metadata with { Annotations = null } }, apply);

        Assert.Equal("team-a", created.Metadata.Annotations!["example.com/owner"]);
        Assert.True(created.Metadata.ExtensionData!.ContainsKey("managedFields"));
        Assert.True(reapplied.Metadata.Annotations is null || !reapplied.Metadata.Annotations.ContainsKey("example.com/owner"));
        Assert.Equal(2, reapplied.Spec!.Replicas);
    }

    [Fact]
    public async Task Status_subresource_writes_status_only()
    {
        await using var api = await ApiServerFixture.StartAsync();
        var deployments = api.Client.Resource<Deployment>();
        var created = await deployments.CreateAsync(NewDeployment("churn"));

        var withStatus = await deployments.UpdateStatusAsync(created with
        {
            Spec = created.Spec! with { Replicas = 9 },
            Status = new DeploymentStatus { ObservedGeneration = created.Metadata.Generation, Replicas = 1, ReadyReplicas = 1 },
        });
        var afterMainUpdate = await deployments.UpdateAsync(withStatus with { Status = new DeploymentStatus { ReadyReplicas = 0 } });
        var patched = await deployments.PatchStatusAsync(ObjectKey.From(created), Patch.Merge(new JsonObject { ["status"] = new JsonObject { ["availableReplicas"] = 1 } }));
        var status = await deployments.GetStatusAsync(ObjectKey.From(created));

        Assert.Equal(1, withStatus.Spec!.Replicas);
        Assert.Equal(1, withStatus.Status!.ReadyReplicas);
        Assert.Equal(1, afterMainUpdate.Status!.ReadyReplicas);
        Assert.Equal(1, patched.Status!.AvailableReplicas);
        Assert.Equal(1, status.Status!.AvailableReplicas);
    }

    [Fact]
    public async Task Scale_subresource_reads_and_writes_replicas()
    {
        await using var api = await ApiServerFixture.StartAsync();
        var deployments = api.Client.Resource<Deployment>();
        var key = ObjectKey.From(await deployments.CreateAsync(NewDeployment("churn", replicas: 2)));

        var scale = await deployments.GetScaleAsync(key);
        var scaled = await deployments.UpdateScaleAsync(key, scale with { Spec = new ScaleSpec { Replicas = 5 } });

        Assert.Equal(2, scale.Spec!.Replicas);
        Assert.Equal(5, scaled.Spec!.Replicas);
        Assert.Equal(5, (await deployments.GetAsync(key)).Spec!.Replicas);
    }

    [Fact]
    public async Task Delete_preconditions_and_finalizers()
    {
        await using var api = await ApiServerFixture.StartAsync();
        var deployments = api.Client.Resource<Deployment>();
        var created = await deployments.CreateAsync(NewDeployment("churn") with
        {
            Metadata = NewDeployment("churn").Metadata with { Finalizers = ["example.com/cleanup"] },
        });
        var key = ObjectKey.From(created);

        await Assert.ThrowsAsync<KubernetesConflictException>(() => deployments.DeleteAsync(key, new DeleteOptions { PreconditionUid = "someone-else" }));
        var terminating = await deployments.DeleteAsync(key, new DeleteOptions { PreconditionUid = created.Metadata.Uid, PropagationPolicy = PropagationPolicy.Background });
        var current = await deployments.GetAsync(key);
        await deployments.UpdateAsync(current with { Metadata = current.Metadata with { Finalizers = null } });

        Assert.NotNull(terminating!.Metadata.DeletionTimestamp);
        Assert.NotNull(current.Metadata.DeletionTimestamp);
        await Assert.ThrowsAsync<KubernetesNotFoundException>(() => deployments.GetAsync(key));
    }

    [Fact]
    public async Task Generate_name_lets_the_server_pick_the_name()
    {
        await using var api = await ApiServerFixture.StartAsync();
        var events = api.Client.Resource<Event>();

        var created = await events.CreateAsync(new Event
        {
            Metadata = new ObjectMeta { GenerateName = "churn.", Namespace = "default" },
            InvolvedObject = new ObjectReference { Kind = "Deployment", Namespace = "default", Name = "churn" },
            Reason = "Scaled",
            Message = "scaled to 3",
            Type = "Normal",
            Count = 1,
            ReportingComponent = "modeloperator",
        });

        Assert.StartsWith("churn.", created.Metadata.Name, StringComparison.Ordinal);
        Assert.True(created.Metadata.Name!.Length > "churn.".Length);
        Assert.Equal("Scaled", (await events.GetAsync(ObjectKey.From(created))).Reason);
    }

    [Fact]
    public async Task Invalid_object_reports_the_field()
    {
        await using var api = await ApiServerFixture.StartAsync();
        var deployments = api.Client.Resource<Deployment>();

        var e = await Assert.ThrowsAsync<KubernetesInvalidException>(() => deployments.CreateAsync(NewDeployment("Not_A_Valid_Name")));

        Assert.Contains(e.Causes, c => c.Field == "metadata.name");
    }
}
