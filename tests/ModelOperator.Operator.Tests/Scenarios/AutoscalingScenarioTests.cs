using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Rollouts.Autoscaling;

namespace ModelOperator.Operator.Tests.Scenarios;

/// <summary>Given / When / Then: the load the pods report reaches the autoscaling hints and the Deployment.</summary>
public sealed class AutoscalingScenarioTests
{
    [Fact]
    public async Task Observed_in_flight_requests_scale_the_stable_revision()
    {
        // Given an autoscaled ModelDeployment (1 to 10 pods, 4 requests in flight per pod) with no load known yet
        await using var bed = await OperatorTestBed.StartAsync();
        var md = ScenarioTests.Md();
        md = md with { Spec = md.Spec! with { Replicas = null, Autoscaling = new AutoscalingSpec { MinReplicas = 1, MaxReplicas = 10, TargetInFlightPerPod = 4 } } };
        var idle = await ScenarioTests.HealthyAsync(bed, md);
        var stable = idle.Status!.StableRevision!.Name!;
        var before = (await bed.Client.Resource<Deployment>().GetAsync(OperatorTestBed.Key(stable))).Spec!.Replicas;

        // When its pods report 24 requests in flight (load time 0: no headroom)
        bed.Load("1", new LoadObservation { InFlight = 24, Throughput = 200, P95Latency = 0.08, ModelLoadTime = 0 });
        var busy = await bed.RunUntilAsync("churn", m => m.Status?.RecommendedReplicas?.Any(r => r.Revision == stable && r.Replicas == 6) == true);
        var settled = await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.Healthy);

        // Then the recommendation is ceil(24 / 4) = 6 and the Deployment runs it
        var deployment = await bed.Client.Resource<Deployment>().GetAsync(OperatorTestBed.Key(stable));
        Assert.Equal(1, before);
        Assert.Equal(6, deployment.Spec!.Replicas);
        Assert.Equal(6, settled.Status!.Replicas);
        Assert.Equal(6, settled.Status.ReadyReplicas);
        Assert.Equal(busy.Status!.StableRevision!.Name, settled.Status.StableRevision!.Name);
    }
}
