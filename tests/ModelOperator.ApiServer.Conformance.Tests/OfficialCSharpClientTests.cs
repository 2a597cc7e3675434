using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using ModelOperator.ApiServer.Hosting;

namespace ModelOperator.ApiServer.Conformance.Tests;

/// <summary>
/// The in-memory API server through NuGet's official KubernetesClient: its typed calls must read every answer the way
/// they read a real cluster's (Status vs object on delete, 409/410/422, subresources, pagination, watches, apply).
/// </summary>
public sealed class OfficialCSharpClientTests : IAsyncLifetime
{
    private const string Ns = "default";
    private InMemoryApiServer _server = null!;
    private k8s.Kubernetes _client = null!;

    public async Task InitializeAsync()
    {
        _server = await InMemoryApiServer.StartAsync();
        _client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = _server.BaseUrl.ToString() });
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    private static V1Deployment Deployment(string name, string cpu = "0.5", string memory = "1024Mi") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = name } },
        Spec = new V1DeploymentSpec
        {
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec
                {
                    Containers =
                    [
                        new V1Container
                        {
                            Name = "c", Image = "nginx:1.25",
                            Ports = [new V1ContainerPort { Name = "http", ContainerPort = 80 }],
                            Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpu), ["memory"] = new(memory) } },
                            ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Port = "http" } },
                        },
                    ],
                },
            },
        },
    };

    [Fact]
    public async Task Created_deployments_come_back_defaulted_with_canonical_quantities()
    {
        var created = await _client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web"), Ns);
        var read = await _client.AppsV1.ReadNamespacedDeploymentAsync("web", Ns);

        foreach (var d in new[] { created, read })
        {
            Assert.Equal(1, d.Spec.Replicas);
            Assert.Equal("RollingUpdate", d.Spec.Strategy.Type);
            Assert.Equal("25%", d.Spec.Strategy.RollingUpdate.MaxSurge.Value);
            var pod = d.Spec.Template.Spec;
            Assert.Equal(("Always", "ClusterFirst", 30L, "default-scheduler"), (pod.RestartPolicy, pod.DnsPolicy, pod.TerminationGracePeriodSeconds, pod.SchedulerName));
            Assert.NotNull(pod.SecurityContext);
            var c = pod.Containers[0];
            Assert.Equal(("IfNotPresent", "/dev/termination-log", "File", "TCP"), (c.ImagePullPolicy, c.TerminationMessagePath, c.TerminationMessagePolicy, c.Ports[0].Protocol));
            Assert.Equal((1, 10, 1, 3, "HTTP"), (c.ReadinessProbe.TimeoutSeconds, c.ReadinessProbe.PeriodSeconds, c.ReadinessProbe.SuccessThreshold, c.ReadinessProbe.FailureThreshold, c.ReadinessProbe.HttpGet.Scheme));
            Assert.Equal("500m", c.Resources.Requests["cpu"].ToString());
            Assert.Equal("1Gi", c.Resources.Requests["memory"].ToString());
        }
    }

    [Fact]
    public async Task Delete_reads_a_Status_for_deployments_and_the_object_for_pods()
    {
        var d = await _client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web"), Ns);
        await _client.CoreV1.CreateNamespacedPodAsync(new V1Pod { Metadata = new V1ObjectMeta { Name = "p" }, Spec = d.Spec.Template.Spec }, Ns);

        var status = await _client.AppsV1.DeleteNamespacedDeploymentAsync("web", Ns);
        var pod = await _client.CoreV1.DeleteNamespacedPodAsync("p", Ns);

        Assert.Equal(("Success", "web", "apps", "deployments", d.Metadata.Uid), (status.Status, status.Details.Name, status.Details.Group, status.Details.Kind, status.Details.Uid));
        Assert.Equal("p", pod.Metadata.Name);
        Assert.True(pod.Spec.EnableServiceLinks); // a Pod's own default
    }

    [Fact]
    public async Task Errors_arrive_as_409_410_and_422_with_the_status_body()
    {
        var cm = await _client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "c" }, Data = new Dictionary<string, string> { ["k"] = "1" } }, Ns);
        await _client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "c", Ns);

        var stale = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.ReplaceNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "c", ResourceVersion = "1" } }, "c", Ns));
        var invalid = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.CreateNamespacedServiceAsync(new V1Service { Metadata = new V1ObjectMeta { Name = "9svc" }, Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 80 }] } }, Ns));
        _server.CompactHistory();
        var gone = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.ListNamespacedConfigMapAsync(Ns, limit: 1, continueParameter: "eyJydiI6MSwic25hcHNob3QiOjk5LCJvZmZzZXQiOjF9"));

        Assert.Equal(HttpStatusCode.Conflict, stale.Response.StatusCode);
        Assert.Equal((HttpStatusCode)422, invalid.Response.StatusCode);
        var body = JsonDocument.Parse(invalid.Response.Content).RootElement;
        Assert.Equal("metadata.name", body.GetProperty("details").GetProperty("causes")[0].GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.Gone, gone.Response.StatusCode);
    }

    [Fact]
    public async Task Scale_and_status_subresources_change_only_their_part()
    {
        await _client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web"), Ns);

        var scale = await _client.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":4}}""", V1Patch.PatchType.MergePatch), "web", Ns);
        var d = await _client.AppsV1.ReadNamespacedDeploymentAsync("web", Ns);
        d.Status = new V1DeploymentStatus { Replicas = 4, ReadyReplicas = 2 };
        d.Spec.Replicas = 9; // ignored by the status subresource
        var afterStatus = await _client.AppsV1.ReplaceNamespacedDeploymentStatusAsync(d, "web", Ns);

        Assert.Equal(4, scale.Spec.Replicas);
        Assert.Equal("app=web", (await _client.AppsV1.ReadNamespacedDeploymentScaleAsync("web", Ns)).Status.Selector);
        Assert.Equal(4, afterStatus.Spec.Replicas);
        Assert.Equal(2, afterStatus.Status.ReadyReplicas);
    }

    [Fact]
    public async Task Pagination_is_a_snapshot_with_a_remaining_item_count()
    {
        foreach (var name in new[] { "a", "b", "c" })
        {
            await _client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name } }, Ns);
        }

        var first = await _client.CoreV1.ListNamespacedConfigMapAsync(Ns, limit: 2);
        await _client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "d" } }, Ns);
        var second = await _client.CoreV1.ListNamespacedConfigMapAsync(Ns, limit: 2, continueParameter: first.Metadata.ContinueProperty);

        Assert.Equal(1, first.Metadata.RemainingItemCount);
        Assert.Equal(["c"], second.Items.Select(i => i.Metadata.Name));
        Assert.Equal(first.Metadata.ResourceVersion, second.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task A_watch_from_a_resource_version_sees_later_events_and_a_compacted_one_reports_410()
    {
        var list = await _client.CoreV1.ListNamespacedConfigMapAsync(Ns);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var events = new List<(WatchEventType, string)>();
        var watching = Task.Run(async () =>
        {
            await foreach (var (type, item) in _client.CoreV1.WatchListNamespacedConfigMapAsync(Ns, allowWatchBookmarks: true, resourceVersion: list.Metadata.ResourceVersion, cancellationToken: cancel.Token))
            {
                if (type != WatchEventType.Bookmark)
                {
                    events.Add((type, item.Metadata.Name));
                }

                if (type == WatchEventType.Deleted)
                {
                    return;
                }
            }
        });
        await _client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "w" } }, Ns);
        await _client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"k":"v"}}""", V1Patch.PatchType.MergePatch), "w", Ns);
        await _client.CoreV1.DeleteNamespacedConfigMapAsync("w", Ns);
        await watching;

        Assert.Equal([(WatchEventType.Added, "w"), (WatchEventType.Modified, "w"), (WatchEventType.Deleted, "w")], events);

        _server.CompactHistory();
        Exception? error = null;
        await foreach (var _ in _client.CoreV1.WatchListNamespacedConfigMapAsync(Ns, resourceVersion: list.Metadata.ResourceVersion, onError: e => error = e, cancellationToken: cancel.Token))
        {
        }

        var expired = Assert.IsType<KubernetesException>(error);
        Assert.Equal((410, "Expired"), (expired.Status.Code, expired.Status.Reason));
    }

    [Fact]
    public async Task Server_side_apply_leases_and_garbage_collection_work_through_the_typed_calls()
    {
        var applied = await _client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"owner"},"data":{"k":"1"}}""", V1Patch.PatchType.ApplyPatch), "owner", Ns, fieldManager: "conformance", force: true);
        var lease = await _client.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease { Metadata = new V1ObjectMeta { Name = "leader" }, Spec = new V1LeaseSpec { HolderIdentity = "a", LeaseDurationSeconds = 15 } }, Ns);
        lease.Spec.HolderIdentity = "b";
        var taken = await _client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, "leader", Ns);
        await _client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "child", OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = "owner", Uid = applied.Metadata.Uid }] },
        }, Ns);

        await _client.CoreV1.DeleteNamespacedConfigMapAsync("owner", Ns, propagationPolicy: "Background");

        Assert.Equal("conformance", applied.Metadata.ManagedFields[0].Manager);
        Assert.Equal("b", taken.Spec.HolderIdentity);
        var missing = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.ReadNamespacedConfigMapAsync("child", Ns));
        Assert.Equal(HttpStatusCode.NotFound, missing.Response.StatusCode);
    }

    [Fact]
    public async Task Crd_validation_rules_answer_422_with_a_cause_per_failed_rule_and_transition_rules_on_update()
    {
        // Given a CRD with CEL rules, written through the typed model (V1ValidationRule)
        var spec = new V1JSONSchemaProps
        {
            Type = "object",
            Properties = new Dictionary<string, V1JSONSchemaProps>
            {
                ["min"] = new() { Type = "integer" },
                ["max"] = new() { Type = "integer" },
                ["unit"] = new() { Type = "string" },
            },
            XKubernetesValidations =
            [
                new V1ValidationRule { Rule = "!has(self.min) || self.min <= self.max", Message = "min must not exceed max", FieldPath = ".min" },
                new V1ValidationRule { Rule = "self.unit == oldSelf.unit", Message = "unit is immutable", Reason = "FieldValueForbidden" },
            ],
        };
        await _client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(new V1CustomResourceDefinition
        {
            Metadata = new V1ObjectMeta { Name = "gauges.example.com" },
            Spec = new V1CustomResourceDefinitionSpec
            {
                Group = "example.com",
                Scope = "Namespaced",
                Names = new V1CustomResourceDefinitionNames { Plural = "gauges", Kind = "Gauge" },
                Versions =
                [
                    new V1CustomResourceDefinitionVersion
                    {
                        Name = "v1", Served = true, Storage = true,
                        Schema = new V1CustomResourceValidation { OpenAPIV3Schema = new V1JSONSchemaProps { Type = "object", Properties = new Dictionary<string, V1JSONSchemaProps> { ["spec"] = spec } } },
                    },
                ],
            },
        });
        static object Gauge(object spec) => new { apiVersion = "example.com/v1", kind = "Gauge", metadata = new { name = "g" }, spec };

        // When an object breaks the cross-field rule, a valid one is created, and its unit is then changed
        var invalid = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CustomObjects.CreateNamespacedCustomObjectAsync(Gauge(new { unit = "m", min = 5, max = 2 }), "example.com", "v1", Ns, "gauges"));
        await _client.CustomObjects.CreateNamespacedCustomObjectAsync(Gauge(new { unit = "m", max = 2 }), "example.com", "v1", Ns, "gauges");
        var changed = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"spec":{"unit":"s"}}""", V1Patch.PatchType.MergePatch), "example.com", "v1", Ns, "gauges", "g"));

        // Then both are 422 Invalid with the cause a real server gives
        Assert.Equal((HttpStatusCode)422, invalid.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(invalid.Response.Content);
        Assert.Equal(("Invalid", "Gauge.example.com \"g\" is invalid: spec.min: Invalid value: \"object\": min must not exceed max"), (status.Reason, status.Message));
        Assert.Equal(("spec.min", "FieldValueInvalid"), (status.Details.Causes[0].Field, status.Details.Causes[0].Reason));
        var forbidden = KubernetesJson.Deserialize<V1Status>(changed.Response.Content);
        Assert.Equal((HttpStatusCode)422, changed.Response.StatusCode);
        Assert.Equal(("spec", "FieldValueForbidden", "Forbidden: unit is immutable"), (forbidden.Details.Causes[0].Field, forbidden.Details.Causes[0].Reason, forbidden.Details.Causes[0].Message));
    }

    [Fact]
    public async Task Events_k8s_io_v1_serves_the_core_events_under_its_own_field_names()
    {
        // Given a watch on events.k8s.io/v1 and a pod the events are about
        var resources = await _client.EventsV1.GetAPIResourcesAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var seen = new List<(WatchEventType, string?, int?)>();
        var list = await _client.EventsV1.ListNamespacedEventAsync(Ns);
        var watching = Task.Run(async () =>
        {
            await foreach (var (type, item) in _client.EventsV1.WatchListNamespacedEventAsync(Ns, resourceVersion: list.Metadata.ResourceVersion, cancellationToken: cancel.Token))
            {
                seen.Add((type, item.Note, item.Series?.Count));
                if (seen.Count == 2)
                {
                    return;
                }
            }
        });
        var regarding = new V1ObjectReference { ApiVersion = "v1", Kind = "Pod", Name = "web-0", NamespaceProperty = Ns };
        var now = new DateTime(2026, 12, 4, 12, 0, 0, DateTimeKind.Utc);

        // When an event is created through events.k8s.io/v1, its series bumped with a patch, and an invalid one sent
        var created = await _client.EventsV1.CreateNamespacedEventAsync(new Eventsv1Event
        {
            Metadata = new V1ObjectMeta { Name = "web-0.scaled" },
            EventTime = now, ReportingController = "modeloperator.io/operator", ReportingInstance = "operator-0",
            Action = "Scale", Reason = "ScaledUp", Regarding = regarding, Note = "scaled to 3", Type = "Normal",
        }, Ns);
        var patched = await _client.EventsV1.PatchNamespacedEventAsync(
            new V1Patch("""{"series":{"count":2,"lastObservedTime":"2026-12-04T12:01:00.000000Z"}}""", V1Patch.PatchType.MergePatch), "web-0.scaled", Ns);
        var invalid = await Assert.ThrowsAsync<HttpOperationException>(() => _client.EventsV1.CreateNamespacedEventAsync(new Eventsv1Event
        {
            Metadata = new V1ObjectMeta { Name = "bad" }, Regarding = regarding, Note = "no time, no controller", Type = "Sometimes",
        }, Ns));
        var changedNote = await Assert.ThrowsAsync<HttpOperationException>(() => _client.EventsV1.PatchNamespacedEventAsync(
            new V1Patch("""{"note":"rewritten"}""", V1Patch.PatchType.MergePatch), "web-0.scaled", Ns));
        await watching;

        // Then it reads back under both APIs with each one's field names, and the errors are the real server's
        Assert.Contains(resources.Resources, r => r.Name == "events" && r.Kind == "Event" && r.Namespaced);
        Assert.Equal(("scaled to 3", "modeloperator.io/operator", "Pod", "web-0"), (created.Note, created.ReportingController, created.Regarding.Kind, created.Regarding.Name));
        Assert.Equal(2, patched.Series.Count);
        var core = await _client.CoreV1.ReadNamespacedEventAsync("web-0.scaled", Ns);
        Assert.Equal(("scaled to 3", "modeloperator.io/operator", "Pod", "ScaledUp", "Scale"), (core.Message, core.ReportingComponent, core.InvolvedObject.Kind, core.Reason, core.Action));
        Assert.Equal(2, core.Series.Count);
        Assert.Equal([(WatchEventType.Added, "scaled to 3", null), (WatchEventType.Modified, "scaled to 3", 2)], seen);
        var status = KubernetesJson.Deserialize<V1Status>(invalid.Response.Content);
        Assert.Equal((HttpStatusCode)422, invalid.Response.StatusCode);
        Assert.Equal(["eventTime", "reportingController", "reportingInstance", "action", "reason", "type"], status.Details.Causes.Select(c => c.Field));
        Assert.StartsWith("Event.events.k8s.io \"bad\" is invalid: [eventTime: Required value, reportingController: Required value", status.Message, StringComparison.Ordinal);
        Assert.Equal("message", KubernetesJson.Deserialize<V1Status>(changedNote.Response.Content).Details.Causes.Single().Field);
        var coreList = await _client.CoreV1.ListNamespacedEventAsync(Ns);
        Assert.Equal(["web-0.scaled"], coreList.Items.Select(e => e.Metadata.Name));
    }

    [Fact]
    public async Task Non_apply_writes_record_Update_managed_fields_that_a_later_apply_conflicts_with()
    {
        // Given a config map created by the typed client (no fieldManager: its User-Agent names the manager) and then
        // changed by a replace under an explicit field manager
        var created = await _client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "settings" }, Data = new Dictionary<string, string> { ["k"] = "1", ["l"] = "2" } }, Ns);
        created.Data["k"] = "9";
        var replaced = await _client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "settings", Ns, fieldManager: "editor");

        // When a GitOps tool applies another value of the edited field, without and then with force
        var apply = new V1Patch("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"},"data":{"k":"5"}}""", V1Patch.PatchType.ApplyPatch);
        var conflict = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.PatchNamespacedConfigMapAsync(apply, "settings", Ns, fieldManager: "gitops"));
        var forced = await _client.CoreV1.PatchNamespacedConfigMapAsync(apply, "settings", Ns, fieldManager: "gitops", force: true);

        // Then each write has its entry with the fields it set, and the apply conflicted with the Update owner
        var creator = created.Metadata.ManagedFields.Single();
        Assert.Equal("Update", creator.Operation);
        Assert.False(string.IsNullOrEmpty(creator.Manager));
        Assert.DoesNotContain("/", creator.Manager, StringComparison.Ordinal);
        Assert.Equal("{\"f:data\":{\"f:k\":{},\"f:l\":{}}}", JsonSerializer.Serialize(creator.FieldsV1));
        var editor = replaced.Metadata.ManagedFields.Single(m => m.Manager == "editor");
        Assert.Equal(("Update", "v1", "{\"f:data\":{\"f:k\":{}}}"), (editor.Operation, editor.ApiVersion, JsonSerializer.Serialize(editor.FieldsV1)));
        Assert.Equal("{\"f:data\":{\"f:l\":{}}}", JsonSerializer.Serialize(replaced.Metadata.ManagedFields.Single(m => m.Manager == creator.Manager).FieldsV1));
        Assert.Equal(HttpStatusCode.Conflict, conflict.Response.StatusCode);
        Assert.Equal("Apply failed with 1 conflict: conflict with \"editor\" using v1: .data.k", KubernetesJson.Deserialize<V1Status>(conflict.Response.Content).Message);
        Assert.Equal(("5", "Apply"), (forced.Data["k"], forced.Metadata.ManagedFields.Single(m => m.Manager == "gitops").Operation));
        Assert.DoesNotContain(forced.Metadata.ManagedFields, m => m.Manager == "editor");
    }
}
