using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.Api;
using ModelOperator.ControllerRuntime.Hosting;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Hosting;
using Prometheus;

namespace ModelOperator.Operator.Tests.Scenarios;

/// <summary>
/// Given / When / Then with the operator as it runs: two managers (informers, work queue, workers, Lease election) on
/// the same API server; the test plays the Deployment controller and moves the manual clock.
/// </summary>
public sealed class LeaderHandoverScenarioTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static Manager Operator(OperatorTestBed bed, string identity) => OperatorWiring.Create(
        bed.Client, bed.Options with { LeaderElection = true, LeaseNamespace = OperatorTestBed.Namespace, Workers = 2 },
        bed.Clock, NullLoggerFactory.Instance, Prometheus.Metrics.NewCustomRegistry(), _ => bed, bed, bed, identity);

    /// <summary>
    /// Until <paramref name="done"/> holds: the simulated Deployment controller acts, then the clock moves one second on
    /// a thread-pool thread (so timers' continuations run there), giving the operator's watches and workers a turn.
    /// Bounded by a real-time deadline, never a fixed delay.
    /// </summary>
    private static async Task<ModelDeployment> DriveUntilAsync(OperatorTestBed bed, Func<ModelDeployment, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                await bed.SimulateDeploymentControllerAsync();
            }
            catch (KubernetesConflictException)
            {
                // the operator wrote the same Deployment meanwhile; the simulated controller acts again next turn
            }

            var md = await bed.GetAsync("churn");
            if (done(md))
            {
                return md;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting until {what}: phase {md.Status?.Phase}, last decision {md.Status?.LastDecision?.Message}");
            }

            await Task.Run(() => bed.Clock.Advance(TimeSpan.FromSeconds(1)));
            await Task.Yield();
        }
    }

    private static async Task<string?> HolderAsync(OperatorTestBed bed) =>
        (await bed.Client.Resource<Lease>().GetAsync(new ObjectKey(OperatorTestBed.Namespace, bed.Options.LeaseName))).Spec?.HolderIdentity;

    [Fact]
    public async Task The_second_operator_takes_over_mid_rollout_and_finishes_it_through_lost_watches()
    {
        await using var bed = await OperatorTestBed.StartAsync();
        using var a = Operator(bed, "operator-a");
        using var b = Operator(bed, "operator-b");

        // Given operator A leads and version 1 is healthy
        await a.StartAsync(CancellationToken.None);
        await bed.CreateAsync(ScenarioTests.Md());
        await DriveUntilAsync(bed, m => m.Status?.Phase == Phases.Healthy, "A makes version 1 healthy");
        Assert.Equal("operator-a", await HolderAsync(bed));
        await b.StartAsync(CancellationToken.None);

        // And a rollout of version 2 half done, while every watch is cut and the next ones answer 410 Gone
        await ScenarioTests.NewVersionAsync(bed, "2");
        var midway = await DriveUntilAsync(bed, m => m.Status?.CanaryRevision is not null && (m.Status.CurrentStepIndex ?? 0) >= 1, "A is mid-rollout");
        bed.Server.Faults.GoneOnNextWatch(3);
        bed.Server.Faults.EndAllWatches();
        Assert.False(b.ControllersRunning);

        // When A stops (a rolling update of the operator)
        await a.StopAsync(CancellationToken.None);

        // Then B takes the lease and finishes the same rollout from the status A left
        var promoted = await DriveUntilAsync(bed, m => m.Status?.StableRevision?.ModelVersion == "2" && m.Status.Phase == Phases.Healthy, "B promotes version 2");
        Assert.Equal("operator-b", await HolderAsync(bed));
        Assert.True(b.ControllersRunning);
        Assert.Equal(midway.Status!.CanaryRevision!.Name, promoted.Status!.StableRevision!.Name);
        Assert.Equal(promoted.Metadata.Generation, promoted.Status.ObservedGeneration);
        var deployments = (await bed.Client.Resource<Deployment>().ListAllAsync(OperatorTestBed.Namespace)).Items;
        Assert.Equal(deployments.Count, deployments.Select(d => d.Metadata.Name).Distinct().Count());
        Assert.Single((await bed.Client.Resource<Service>().ListAllAsync(OperatorTestBed.Namespace)).Items);

        await b.StopAsync(CancellationToken.None);
    }
}
