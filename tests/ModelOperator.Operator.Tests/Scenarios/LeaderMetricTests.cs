using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.Operator.Hosting;
using Prometheus;

namespace ModelOperator.Operator.Tests.Scenarios;

/// <summary>The leader gauge that the "no operator leader" alert reads (deploy/prometheus).</summary>
public sealed class LeaderMetricTests
{
    [Fact]
    public async Task Without_leader_election_the_only_replica_reports_itself_as_leader()
    {
        await using var bed = await OperatorTestBed.StartAsync();
        var registry = Prometheus.Metrics.NewCustomRegistry();

        OperatorWiring.Create(bed.Client, bed.Options with { LeaderElection = false }, bed.Clock, NullLoggerFactory.Instance, registry, _ => bed, bed, bed, "only");

        Assert.Contains("leader_election_master_status{name=\"modeloperator-leader\"} 1\n", registry.Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_leader_election_a_replica_that_has_not_won_the_lease_reports_0()
    {
        await using var bed = await OperatorTestBed.StartAsync();
        var registry = Prometheus.Metrics.NewCustomRegistry();

        OperatorWiring.Create(bed.Client, bed.Options with { LeaderElection = true, LeaseNamespace = OperatorTestBed.Namespace }, bed.Clock, NullLoggerFactory.Instance, registry, _ => bed, bed, bed, "candidate");

        Assert.Contains("leader_election_master_status{name=\"modeloperator-leader\"} 0\n", registry.Scrape(), StringComparison.Ordinal);
    }
}
