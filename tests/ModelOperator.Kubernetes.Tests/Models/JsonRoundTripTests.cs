using System.Text.Json;
using System.Text.Json.Nodes;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Kubernetes.Tests.Models;

public sealed class JsonRoundTripTests
{
    // A Deployment as a real cluster returns it, with fields this client does not model at several levels.
    private const string DeploymentJson = """
        {
          "apiVersion": "apps/v1",
          "kind": "Deployment",
          "metadata": {
            "name": "churn-abc123",
            "namespace": "serving",
            "uid": "7f9c",
            "resourceVersion": "42",
            "generation": 3,
            "creationTimestamp": "2026-01-02T03:04:05Z",
            "labels": {"app": "churn"},
            "ownerReferences": [{"apiVersion": "models.example.com/v1", "kind": "ModelDeployment", "name": "churn", "uid": "u1", "controller": true, "blockOwnerDeletion": true}],
            "managedFields": [{"manager": "kubectl", "operation": "Apply"}]
          },
          "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "churn"}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
            "futureSpecField": {"nested": [1, 2, 3]},
            "template": {
              "metadata": {"labels": {"app": "churn"}},
              "spec": {
                "containers": [{
                  "name": "server",
                  "image": "registry.example/churn:1",
                  "ports": [{"name": "http", "containerPort": 8080}],
                  "readinessProbe": {"httpGet": {"path": "/v2/health/ready", "port": "http"}, "periodSeconds": 5},
                  "livenessProbe": {"tcpSocket": {"port": 8080}},
                  "terminationMessagePolicy": "File"
                }],
                "dnsPolicy": "ClusterFirst",
                "affinity": {"nodeAffinity": {}},
                "volumes": [{"name": "models", "csi": {"driver": "x"}}]
              }
            }
          },
          "status": {"observedGeneration": 3, "replicas": 2, "readyReplicas": 1, "collisionCount": 1,
            "conditions": [{"type": "Available", "status": "True", "lastTransitionTime": "2026-01-02T03:04:05Z"}]}
        }
        """;

    [Fact]
    public void Unknown_fields_survive_a_round_trip()
    {
        var deployment = JsonSerializer.Deserialize(DeploymentJson, Deployment.JsonTypeInfo)!;

        var written = JsonSerializer.Serialize(deployment, Deployment.JsonTypeInfo);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(DeploymentJson), JsonNode.Parse(written)), written);
    }

    [Fact]
    public void Typed_fields_are_read()
    {
        var d = JsonSerializer.Deserialize(DeploymentJson, Deployment.JsonTypeInfo)!;

        Assert.Equal(new ObjectKey("serving", "churn-abc123"), ObjectKey.From(d));
        Assert.Equal(3, d.Metadata.Generation);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), d.Metadata.CreationTimestamp);
        Assert.True(Assert.Single(d.Metadata.OwnerReferences!).Controller);
        Assert.Equal(2, d.Spec!.Replicas);
        Assert.Equal("25%", d.Spec.Strategy!.RollingUpdate!.MaxSurge!.StringValue);
        Assert.Equal(0, d.Spec.Strategy.RollingUpdate.MaxUnavailable!.IntValue);
        var container = Assert.Single(d.Spec.Template!.Spec!.Containers!);
        Assert.Equal(8080, Assert.Single(container.Ports!).Port);
        Assert.Equal("http", container.ReadinessProbe!.HttpGet!.Port.StringValue);
        Assert.Equal(8080, container.LivenessProbe!.TcpSocket!.Port.IntValue);
        Assert.True(d.Spec.Template.Spec.Volumes![0].ExtensionData!.ContainsKey("csi"));
        Assert.Equal(1, d.Status!.ReadyReplicas);
    }

    [Fact]
    public void Nulls_are_omitted_names_are_camel_case_and_times_are_rfc3339_utc()
    {
        var d = new Deployment
        {
            Metadata = new ObjectMeta { Name = "web", Namespace = "ns", CreationTimestamp = new DateTimeOffset(2026, 5, 6, 9, 8, 7, 123, TimeSpan.FromHours(2)) },
            Spec = new DeploymentSpec { Replicas = 0 },
        };

        var json = JsonSerializer.Serialize(d, Deployment.JsonTypeInfo);

        Assert.Equal(
            """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"ns","creationTimestamp":"2026-05-06T07:08:07Z"},"spec":{"replicas":0}}""",
            json);
    }

    [Fact]
    public void Lease_times_keep_microseconds()
    {
        var lease = new Lease
        {
            Metadata = new ObjectMeta { Name = "modeloperator", Namespace = "system" },
            Spec = new LeaseSpec { HolderIdentity = "pod-a", LeaseDurationSeconds = 15, RenewTime = new DateTimeOffset(2026, 1, 1, 0, 0, 1, TimeSpan.Zero).AddTicks(1234560) },
        };

        var json = JsonSerializer.Serialize(lease, Lease.JsonTypeInfo);
        var back = JsonSerializer.Deserialize(json, Lease.JsonTypeInfo)!;

        Assert.Contains("\"renewTime\":\"2026-01-01T00:00:01.123456Z\"", json, StringComparison.Ordinal);
        Assert.Equal(lease.Spec!.RenewTime, back.Spec!.RenewTime);
    }

    [Fact]
    public void Pod_status_reads_crash_loop_back_off()
    {
        const string json = """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"n"},
             "status":{"phase":"Running","podIP":"10.1.2.3",
               "conditions":[{"type":"Ready","status":"False"}],
               "containerStatuses":[{"name":"server","ready":false,"restartCount":7,
                  "state":{"waiting":{"reason":"CrashLoopBackOff","message":"back-off 5m0s"}},
                  "lastState":{"terminated":{"exitCode":137,"reason":"OOMKilled"}}}]}}
            """;

        var pod = JsonSerializer.Deserialize(json, Pod.JsonTypeInfo)!;

        var status = Assert.Single(pod.Status!.ContainerStatuses!);
        Assert.Equal("CrashLoopBackOff", status.State!.Waiting!.Reason);
        Assert.Equal(7, status.RestartCount);
        Assert.Equal(137, status.LastState!.Terminated!.ExitCode);
        Assert.Equal("10.1.2.3", pod.Status.PodIP);
    }

    [Fact]
    public void Hpa_with_every_metric_source_and_behavior_round_trips()
    {
        const string json = """
            {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"h","namespace":"n"},
             "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"d"},"minReplicas":1,"maxReplicas":10,
               "metrics":[
                 {"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":70}}},
                 {"type":"Pods","pods":{"metric":{"name":"inference_queue_depth"},"target":{"type":"AverageValue","averageValue":"4"}}},
                 {"type":"Object","object":{"describedObject":{"kind":"Service","name":"s"},"metric":{"name":"rps"},"target":{"type":"Value","value":"100"}}},
                 {"type":"External","external":{"metric":{"name":"queue","selector":{"matchLabels":{"q":"a"}}},"target":{"type":"Value","value":"30"}}}],
               "behavior":{"scaleDown":{"stabilizationWindowSeconds":300,"policies":[{"type":"Percent","value":50,"periodSeconds":60}]}}}}
            """;

        var hpa = JsonSerializer.Deserialize(json, HorizontalPodAutoscaler.JsonTypeInfo)!;

        Assert.Equal(300, hpa.Spec!.Behavior!.ScaleDown!.StabilizationWindowSeconds);
        Assert.Equal(["Resource", "Pods", "Object", "External"], hpa.Spec.Metrics!.Select(m => m.Type));
        Assert.Equal("q", hpa.Spec.Metrics![3].External!.Metric.Selector!.MatchLabels!.Keys.Single());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(JsonSerializer.Serialize(hpa, HorizontalPodAutoscaler.JsonTypeInfo))));
    }

    [Fact]
    public void Http_route_weights_round_trip()
    {
        const string json = """
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"r","namespace":"n"},
             "spec":{"parentRefs":[{"name":"gw"}],"rules":[{"matches":[{"path":{"type":"PathPrefix","value":"/"}}],
               "backendRefs":[{"name":"stable","port":80,"weight":90},{"name":"canary","port":80,"weight":10}],"timeouts":{"request":"10s"}}]}}
            """;

        var route = JsonSerializer.Deserialize(json, HttpRoute.JsonTypeInfo)!;

        Assert.Equal([90, 10], route.Spec!.Rules![0].BackendRefs!.Select(b => b.Weight ?? 1));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(JsonSerializer.Serialize(route, HttpRoute.JsonTypeInfo))));
    }

    [Fact]
    public void Int_or_string_rejects_other_json()
    {
        var e = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(
            """{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{"ports":[{"port":80,"targetPort":true}]}}""", Service.JsonTypeInfo));

        Assert.Contains("integer or a string", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resource_paths_follow_the_api_layout()
    {
        Assert.Equal("/apis/apps/v1/namespaces/a/deployments/b", Deployment.Resource.ObjectPath(new ObjectKey("a", "b")));
        Assert.Equal("/api/v1/pods", Pod.Resource.CollectionPath(null));
        Assert.Equal("/api/v1/namespaces/serving", Namespace.Resource.ObjectPath(ObjectKey.Cluster("serving")));
        Assert.Equal("coordination.k8s.io/v1", Lease.Resource.ApiVersion);
        Assert.Throws<ArgumentException>(() => Deployment.Resource.ObjectPath(ObjectKey.Cluster("b")));
        Assert.Throws<ArgumentException>(() => Namespace.Resource.ObjectPath(new ObjectKey("x", "y")));
        Assert.Equal("a/b", new ObjectKey("a", "b").ToString());
        Assert.Equal("b", ObjectKey.Cluster("b").ToString());
    }
}
