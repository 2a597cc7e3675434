using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using static ModelOperator.Rollouts.Tests.Planning.ModelDeployments;

namespace ModelOperator.Rollouts.Tests.Planning;

/// <summary>
/// The feature drift the servers report is computed over their own DRIFT_WINDOW, the other metrics over the analysis
/// interval: the analysis the planner asks for names both, so the measurement (and lastDecision.window) says which is which.
/// </summary>
public sealed class DriftWindowTests
{
    public static TheoryData<string, string?, TimeSpan> Cases => new()
    {
        // case, DRIFT_WINDOW in spec.runtime.env, the drift window asked for
        { "the server's default", null, TimeSpan.FromMinutes(5) },
        { "set by the spec", "10m", TimeSpan.FromMinutes(10) },
        { "a compound duration", "1h30m", TimeSpan.FromMinutes(90) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_canary_analysis_asks_for_the_analysis_interval_and_the_servers_drift_window(string name, string? driftWindow, TimeSpan expected)
    {
        var md = Create("1", [Weight(50), Analyze()], Thresholds(), replicas: 4);
        if (driftWindow is not null)
        {
            md = md.WithSpec(s => s with { Runtime = new RuntimeSpec { Env = [new EnvVar { Name = "DRIFT_WINDOW", Value = driftWindow }] } });
        }

        var cluster = new FakeCluster(md);
        cluster.RunUntil(c => c.Status.Phase == Phases.Healthy);
        cluster.Update(m => m.WithVersion("2"));
        cluster.RunUntil(c => c.Status.CanaryRevision is not null);

        var pending = cluster.Plans[^1].NextAnalysis!;
        Assert.True(TimeSpan.FromSeconds(30) == pending.Window, name);
        Assert.True(expected == pending.DriftWindow, name);
    }

    [Fact]
    public void While_baking_the_promoted_revision_is_measured_with_its_drift_window()
    {
        var md = Create("1", [Weight(50), Analyze()], Thresholds(), replicas: 4, bakeTime: "5m")
            .WithSpec(s => s with { Runtime = new RuntimeSpec { Env = [new EnvVar { Name = "DRIFT_WINDOW", Value = "15m" }] } });
        var cluster = new FakeCluster(md);
        cluster.RunUntil(c => c.Status.Phase == Phases.Healthy);
        cluster.Update(m => m.WithVersion("2"));
        cluster.RunUntil(c => c.Status.CanaryRevision is null && c.Status.BakeUntil is not null);

        var pending = cluster.Plans[^1].NextAnalysis!;
        Assert.Equal(cluster.Status.StableRevision!.Name, pending.Revision);
        Assert.Equal(TimeSpan.FromMinutes(15), pending.DriftWindow);
    }
}
