using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Children;
using ModelOperator.Operator.Tests.Scenarios;

namespace ModelOperator.Operator.Tests.Apply;

/// <summary>The plan applier's one routine, seen through what ends up in the API server.</summary>
public sealed class PlanApplierTests
{
    [Fact]
    public async Task A_revision_whose_deployment_recorded_no_spec_is_kept_as_it_is_and_only_scaled()
    {
        // Given version 1 is stable and its Deployment carries no revision-spec annotation (made by hand or by an old operator)
        await using var bed = await OperatorTestBed.StartAsync();
        var md = await ScenarioTests.HealthyAsync(bed);
        var v1 = md.Status!.StableRevision!.Name!;
        var deployments = bed.Client.Resource<Deployment>();
        var recorded = await deployments.GetAsync(OperatorTestBed.Key(v1));
        var annotations = new Dictionary<string, string>(recorded.Metadata.Annotations!, StringComparer.Ordinal);
        annotations.Remove(ChildNames.RevisionSpecAnnotation);
        await deployments.UpdateAsync(recorded with { Metadata = recorded.Metadata with { Annotations = annotations } });

        // When version 2 starts a canary at 25 % of 4 replicas
        await ScenarioTests.NewVersionAsync(bed, "2");
        await bed.RoundAsync("churn");

        // Then version 1's Deployment gives one pod to the canary and keeps its own template, still without the annotation
        var after = await deployments.GetAsync(OperatorTestBed.Key(v1));
        Assert.Equal(3, after.Spec!.Replicas);
        Assert.Equal("1", after.Spec.Template!.Spec!.Containers![0].Env!.Single(e => e.Name == "MODEL_VERSION").Value);
        Assert.False(after.Metadata.Annotations?.ContainsKey(ChildNames.RevisionSpecAnnotation) ?? false);
        var canary = (await bed.GetAsync("churn")).Status!.CanaryRevision!.Name!;
        Assert.Equal(1, (await deployments.GetAsync(OperatorTestBed.Key(canary))).Spec!.Replicas);
    }

    [Fact]
    public async Task Children_the_plan_no_longer_wants_are_deleted_and_the_wanted_ones_kept()
    {
        // Given version 1 is stable with its Service and version 2 runs as a canary
        await using var bed = await OperatorTestBed.StartAsync();
        await ScenarioTests.HealthyAsync(bed);
        await ScenarioTests.NewVersionAsync(bed, "2");
        await bed.RoundAsync("churn");
        var v2 = (await bed.GetAsync("churn")).Status!.CanaryRevision!.Name!;

        // When the spec goes back to version 1 (undo: the canary is dropped, not kept)
        await ScenarioTests.NewVersionAsync(bed, "1");
        await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.Healthy);

        // Then the canary's Deployment is gone and the stable's Deployment and Service stay
        var names = (await bed.Client.Resource<Deployment>().ListAllAsync(OperatorTestBed.Namespace)).Items
            .Where(d => d.Metadata.DeletionTimestamp is null).Select(d => d.Metadata.Name).ToList();
        Assert.DoesNotContain(v2, names);
        Assert.Single(names);
        Assert.Contains((await bed.Client.Resource<Service>().ListAllAsync(OperatorTestBed.Namespace)).Items, s => s.Metadata.Name == "churn");
    }
}
