using ModelOperator.Api;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Operator.Tests.Scenarios;

/// <summary>Given / When / Then: conflicts, concurrent reconciles and generation bookkeeping.</summary>
public sealed class RobustnessScenarioTests
{
    /// <summary>A round in which an injected 409 may interrupt the simulated controllers or the reconciler, as in a cluster.</summary>
    private static async Task<int> RoundToleratingConflictsAsync(OperatorTestBed bed)
    {
        var conflicts = 0;
        foreach (var step in new Func<Task>[]
                 {
                     bed.SimulateDeploymentControllerAsync,
                     () => bed.Reconciler.ReconcileAsync(OperatorTestBed.Key("churn"), CancellationToken.None),
                     bed.SimulateDeploymentControllerAsync,
                 })
        {
            try
            {
                await step();
            }
            catch (KubernetesConflictException)
            {
                conflicts++; // the controller would requeue the key with backoff
            }
        }

        return conflicts;
    }

    [Theory]
    [InlineData("modeldeployments", 3)]
    [InlineData("deployments", 4)]
    [InlineData(null, 7)]
    public async Task Injected_conflicts_lose_no_status(string? resource, int k)
    {
        // Given a healthy version 1 and a conflict on every k-th write
        await using var bed = await OperatorTestBed.StartAsync();
        await ScenarioTests.HealthyAsync(bed);
        await ScenarioTests.NewVersionAsync(bed, "2");
        bed.Server.Faults.FailEveryKthWrite(k, resource);

        // When version 2 rolls out through them
        var conflicts = 0;
        ModelDeployment md;
        var rounds = 0;
        do
        {
            conflicts += await RoundToleratingConflictsAsync(bed);
            bed.Clock.Advance(TimeSpan.FromSeconds(5));
            md = await bed.GetAsync("churn");
            Assert.True(++rounds < 300, $"not promoted: phase {md.Status?.Phase}, {md.Status?.LastDecision?.Message}");
        }
        while (!(md.Status?.StableRevision?.ModelVersion == "2" && md.Status.Phase == Phases.Healthy));

        bed.Server.Faults.Reset();

        // Then every conflict was only a retry: the history holds both revisions in order and the status is complete
        Assert.True(conflicts > 0, "the fault was injected");
        var history = md.Status!.RevisionHistory!;
        Assert.Equal(["1", "2"], history.OrderBy(h => h.Revision).Select(h => h.ModelVersion));
        Assert.Equal([1L, 2L], history.OrderBy(h => h.Revision).Select(h => h.Revision!.Value));
        Assert.Equal(DecisionActions.Promote, md.Status.LastDecision!.Action);
        Assert.Equal(md.Metadata.Generation, md.Status.ObservedGeneration);
        Assert.Null(md.Status.CanaryRevision);
        Assert.Empty(md.Status.QuarantinedRevisions ?? []);
    }

    [Fact]
    public async Task Many_and_concurrent_reconciles_create_no_duplicate_children()
    {
        // Given a rollout in progress
        await using var bed = await OperatorTestBed.StartAsync();
        await ScenarioTests.HealthyAsync(bed);
        await ScenarioTests.NewVersionAsync(bed, "2");
        var second = bed.NewReconciler();

        // When two operator instances reconcile it at once, many times
        for (var i = 0; i < 20; i++)
        {
            await bed.SimulateDeploymentControllerAsync();
            await Task.WhenAll(Tolerate(bed.Reconciler), Tolerate(second), Tolerate(bed.Reconciler), Tolerate(second));
            bed.Clock.Advance(TimeSpan.FromSeconds(2));
        }

        // Then each child exists once: one Deployment per revision, one Service, pods as many as asked
        var md = await bed.GetAsync("churn");
        var deployments = (await bed.Client.Resource<Deployment>().ListAllAsync(OperatorTestBed.Namespace)).Items;
        var services = (await bed.Client.Resource<Service>().ListAllAsync(OperatorTestBed.Namespace)).Items;
        var pods = (await bed.Client.Resource<Pod>().ListAllAsync(OperatorTestBed.Namespace)).Items;
        Assert.Equal(deployments.Count, deployments.Select(d => d.Metadata.Name).Distinct().Count());
        Assert.InRange(deployments.Count, 1, 2);
        Assert.All(deployments, d => Assert.StartsWith("churn-", d.Metadata.Name, StringComparison.Ordinal));
        Assert.Single(services);
        Assert.Equal(deployments.Sum(d => d.Spec!.Replicas ?? 0), pods.Count(p => p.Metadata.DeletionTimestamp is null));
        Assert.Equal(md.Metadata.Generation, md.Status!.ObservedGeneration);

        static async Task Tolerate(Operator.Reconciling.ModelDeploymentReconciler reconciler)
        {
            try
            {
                await reconciler.ReconcileAsync(OperatorTestBed.Key("churn"), CancellationToken.None);
            }
            catch (KubernetesConflictException)
            {
                // the other instance wrote first; a requeue reads its result
            }
        }
    }

    [Fact]
    public async Task After_every_reconcile_the_observed_generation_is_the_generation()
    {
        await using var bed = await OperatorTestBed.StartAsync();
        await bed.CreateAsync(ScenarioTests.Md());
        ModelDeploymentSpec? beforeInvalid = null;
        var edits = new Dictionary<int, Func<Task>>
        {
            [3] = () => ScenarioTests.NewVersionAsync(bed, "2"),
            [6] = () => ScenarioTests.NewVersionAsync(bed, "3"), // a new spec mid-rollout
            [9] = async () =>
            {
                var md = await bed.GetAsync("churn");
                beforeInvalid = md.Spec;
                await bed.Client.Resource<ModelDeployment>().UpdateAsync(md with { Spec = ScenarioTests.WithFallingWeights(md.Spec!) }); // invalid to the operator only
            },
            [12] = async () =>
            {
                var md = await bed.GetAsync("churn");
                await bed.Client.Resource<ModelDeployment>().UpdateAsync(md with { Spec = beforeInvalid });
            },
        };

        for (var round = 0; round < 40; round++)
        {
            if (edits.TryGetValue(round, out var edit))
            {
                await edit();
            }

            await bed.RoundAsync("churn");
            var md = await bed.GetAsync("churn");
            Assert.True(md.Metadata.Generation == md.Status?.ObservedGeneration, $"round {round}: generation {md.Metadata.Generation}, observed {md.Status?.ObservedGeneration}");
            bed.Clock.Advance(TimeSpan.FromSeconds(10));
        }

        var last = await bed.GetAsync("churn");
        Assert.Equal("3", last.Status!.StableRevision!.ModelVersion);
    }
}
