using System.Text.Json;
using System.Text.Json.Nodes;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Api.Tests;

/// <summary>The types read and write the wire form a user writes in a manifest.</summary>
public sealed class ModelDeploymentJsonTests
{
    internal const string Manifest = """
        {
          "apiVersion": "modeloperator.io/v1alpha1",
          "kind": "ModelDeployment",
          "metadata": { "name": "churn", "namespace": "ml", "generation": 3 },
          "spec": {
            "model": { "name": "churn", "version": "2", "uri": "s3://models/churn/2/model.onnx",
                       "sha256": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                       "profile": { "uri": "s3://models/churn/2/profile.json", "sha256": "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210" } },
            "runtime": { "image": "modelserver:1.0", "resources": { "requests": { "cpu": "500m" } },
                         "env": [ { "name": "LOG_FORMAT", "value": "json" } ],
                         "batching": { "maxBatchSize": 16, "maxBatchDelay": "2ms" },
                         "nodeSelector": { "pool": "cpu" },
                         "tolerations": [ { "key": "dedicated", "operator": "Equal", "value": "ml", "effect": "NoSchedule" } ] },
            "replicas": 4,
            "rollout": {
              "steps": [ { "setWeight": 10 }, { "pause": { "duration": "1m" } }, { "analysis": {} }, { "setWeight": 50 }, { "pause": {} } ],
              "analysis": { "interval": "30s", "minSamples": 100, "failureLimit": 1, "maxErrorRate": 0.01, "maxP99Latency": "250ms",
                            "maxPredictionDrift": 0.2, "maxFeatureDrift": 0.25, "provider": { "prometheus": { "address": "http://prom:9090" } } },
              "progressDeadline": "10m", "bakeTime": "5m",
              "trafficRouting": { "gatewayAPI": { "httpRoute": "churn" } }
            },
            "paused": true
          },
          "status": {
            "observedGeneration": 3, "phase": "Progressing",
            "conditions": [ { "type": "Progressing", "status": "True", "reason": "StepComplete", "message": "step 1 done", "lastTransitionTime": "2026-01-01T12:00:00Z" } ],
            "stableRevision": { "name": "churn-0123456789", "modelVersion": "1" },
            "canaryRevision": { "name": "churn-abcdef0123", "modelVersion": "2" },
            "canaryWeight": 10, "currentStepIndex": 2, "stepsHash": "5d41402abc",
            "canaryStartTime": "2026-01-01T11:59:00Z",
            "lastDecision": { "action": "Proceed", "reason": "AnalysisPassed", "metric": "errorRate", "observedValue": 0.001, "threshold": 0.01,
                              "window": "30s", "samples": 420, "time": "2026-01-01T12:00:00Z", "message": "ok" },
            "revisionHistory": [ { "name": "churn-0123456789", "modelVersion": "1", "revision": 1, "promotedAt": "2025-12-31T00:00:00Z" } ],
            "quarantinedRevisions": [ { "name": "churn-9999999999", "modelVersion": "0", "reason": "HighErrorRate", "time": "2025-12-30T00:00:00Z" } ],
            "recommendedReplicas": [ { "revision": "churn-0123456789", "replicas": 3 } ],
            "replicas": 4, "readyReplicas": 5, "selector": "modeloperator.io/deployment=churn"
          }
        }
        """;

    [Fact]
    public void A_full_manifest_reads_into_the_typed_fields()
    {
        var md = JsonSerializer.Deserialize(Manifest, ModelDeployment.JsonTypeInfo)!;

        Assert.Equal("churn", md.Metadata.Name);
        Assert.Equal("s3://models/churn/2/model.onnx", md.Spec!.Model!.Uri);
        Assert.Equal("s3://models/churn/2/profile.json", md.Spec.Model.Profile!.Uri);
        Assert.Equal("500m", md.Spec.Runtime!.Resources!.Requests!["cpu"]);
        Assert.Equal(16, md.Spec.Runtime.Batching!.MaxBatchSize);
        Assert.Equal("NoSchedule", md.Spec.Runtime.Tolerations![0].Effect);
        Assert.Equal(4, md.Spec.Replicas);
        Assert.Null(md.Spec.Autoscaling);
        Assert.Equal(10, md.Spec.Rollout!.Steps![0].SetWeight);
        Assert.Equal("1m", md.Spec.Rollout.Steps[1].Pause!.Duration);
        Assert.NotNull(md.Spec.Rollout.Steps[2].Analysis);
        Assert.Null(md.Spec.Rollout.Steps[4].Pause!.Duration);
        Assert.Equal("http://prom:9090", md.Spec.Rollout.Analysis!.Provider!.Prometheus!.Address);
        Assert.Equal("churn", md.Spec.Rollout.TrafficRouting!.GatewayApi!.HttpRoute);
        Assert.True(md.Spec.Paused);
        Assert.Equal(Phases.Progressing, md.Status!.Phase);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero), md.Status.LastDecision!.Time);
        Assert.Equal(420, md.Status.LastDecision.Samples);
        Assert.Equal(1, md.Status.RevisionHistory![0].Revision);
        Assert.Equal(3, md.Status.RecommendedReplicas![0].Replicas);
    }

    [Fact]
    public void Writing_back_gives_the_same_json()
    {
        var md = JsonSerializer.Deserialize(Manifest, ModelDeployment.JsonTypeInfo)!;

        var written = JsonSerializer.SerializeToNode(md, ModelDeployment.JsonTypeInfo);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Manifest), written), written!.ToJsonString());
    }

    [Fact]
    public void The_kind_is_served_where_the_crd_says()
    {
        Assert.Equal("modeloperator.io/v1alpha1", ModelDeployment.Resource.ApiVersion);
        Assert.Equal("/apis/modeloperator.io/v1alpha1/namespaces/ml/modeldeployments/churn", ModelDeployment.Resource.ObjectPath(new ObjectKey("ml", "churn")));
        Assert.Equal("ModelDeployment", new ModelDeployment().Kind);
    }
}
