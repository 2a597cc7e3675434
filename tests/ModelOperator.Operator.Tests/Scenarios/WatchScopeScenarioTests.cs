using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Hosting;

namespace ModelOperator.Operator.Tests.Scenarios;

/// <summary>
/// Given / When / Then with the operator as it runs (informers, queue, workers): it watches a list of namespaces, each
/// on its own; a ModelDeployment anywhere else never reaches it, so it is never reconciled.
/// </summary>
public sealed class WatchScopeScenarioTests
{
    private const string Second = "team-b";
    private const string Unwatched = "team-c";

    [Fact]
    public async Task An_operator_watching_two_namespaces_reconciles_both_and_never_a_third()
    {
        // Given an operator that watches ml and team-b, and a third namespace beside them
        await using var bed = await OperatorTestBed.StartAsync();
        foreach (var name in new[] { Second, Unwatched })
        {
            await bed.Client.Resource<Namespace>().CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = name } });
        }

        using var manager = OperatorWiring.Create(bed.Client, bed.Options with { LeaderElection = false, WatchNamespaces = [OperatorTestBed.Namespace, Second] },
            bed.Clock, NullLoggerFactory.Instance, Prometheus.Metrics.NewCustomRegistry(), _ => bed, bed, bed, "scoped");
        await manager.StartAsync(CancellationToken.None);

        // When the same ModelDeployment is created in each of the three
        var resource = bed.Client.Resource<ModelDeployment>();
        foreach (var ns in new[] { OperatorTestBed.Namespace, Second, Unwatched })
        {
            var md = ScenarioTests.Md();
            await resource.CreateAsync(md with { Metadata = md.Metadata with { Namespace = ns } });
        }

        // Then the two watched ones get a status and a Deployment
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        foreach (var ns in new[] { OperatorTestBed.Namespace, Second })
        {
            while ((await resource.GetAsync(new ObjectKey(ns, "churn"))).Status?.StableRevision is null)
            {
                Assert.True(DateTime.UtcNow < deadline, $"the ModelDeployment in {ns} was not reconciled");
                await Task.Run(() => bed.Clock.Advance(TimeSpan.FromSeconds(1)));
            }

            Assert.NotEmpty((await bed.Client.Resource<Deployment>().ListAllAsync(ns)).Items);
        }

        // and the unwatched one, after the resync period and more, has neither
        for (var i = 0; i < 12; i++)
        {
            await Task.Run(() => bed.Clock.Advance(bed.Options.ResyncPeriod));
        }

        Assert.Null((await resource.GetAsync(new ObjectKey(Unwatched, "churn"))).Status);
        Assert.Empty((await bed.Client.Resource<Deployment>().ListAllAsync(Unwatched)).Items);
        Assert.Empty((await bed.Client.Resource<Event>().ListAllAsync(Unwatched)).Items);
    }
}
