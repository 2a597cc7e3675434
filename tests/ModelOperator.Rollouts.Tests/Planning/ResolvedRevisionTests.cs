using ModelOperator.Api;
using ModelOperator.Rollouts.Planning;
using static ModelOperator.Rollouts.Tests.Planning.ModelDeployments;

namespace ModelOperator.Rollouts.Tests.Planning;

/// <summary>Every revision in a plan is fully resolved, once, here: the builders apply no default of their own.</summary>
public sealed class ResolvedRevisionTests
{
    [Fact]
    public void The_spec_revision_runs_the_default_image_when_the_spec_names_none_and_its_own_otherwise()
    {
        var plain = RolloutPlanner.Plan(Create("1"), ClusterSnapshot.Empty, null, DateTimeOffset.UnixEpoch, FakeCluster.Settings);
        var own = RolloutPlanner.Plan(
            Create("1").WithSpec(s => s with { Runtime = new RuntimeSpec { Image = "registry.example.com/server:2" } }),
            ClusterSnapshot.Empty, null, DateTimeOffset.UnixEpoch, FakeCluster.Settings);

        Assert.Equal(FakeCluster.Settings.DefaultImage, plain.Revisions!.Single().Spec!.Runtime.Image);
        Assert.Equal("registry.example.com/server:2", own.Revisions!.Single().Spec!.Runtime.Image);
    }

    [Fact]
    public void A_revision_recorded_without_an_image_is_resolved_like_the_spec()
    {
        // Given version 1 is stable and its Deployment recorded a runtime without an image
        var cluster = new FakeCluster(Create("1", [Weight(50), Pause()]));
        cluster.RunUntil(c => c.Status.Phase == Phases.Healthy);
        var v1 = cluster.Status.StableRevision!.Name!;
        var recorded = cluster.Deployments[v1];
        var snapshot = cluster.Snapshot() with
        {
            Revisions = [recorded with { Spec = recorded.Spec! with { Runtime = new RuntimeSpec() } }],
        };

        // When version 2 starts a canary beside it
        var plan = RolloutPlanner.Plan(cluster.Md.WithVersion("2"), snapshot, null, cluster.Now, FakeCluster.Settings);

        // Then the stable revision the plan keeps runs the default image
        var stable = plan.Revisions!.Single(r => r.Role == RevisionRole.Stable);
        Assert.Equal(v1, stable.Name);
        Assert.Equal(FakeCluster.Settings.DefaultImage, stable.Spec!.Runtime.Image);
    }

    public static TheoryData<int?, string?, int?, string?> Batching => new()
    {
        // spec.runtime.batching (null size and delay with a section present: both defaulted), expected size and delay
        { 32, "2ms", 32, "2ms" },
        { null, null, ModelDeploymentDefaults.MaxBatchSize, ModelDeploymentDefaults.MaxBatchDelay },
        { 8, null, 8, ModelDeploymentDefaults.MaxBatchDelay },
        { null, "500us", ModelDeploymentDefaults.MaxBatchSize, "500us" },
    };

    [Theory]
    [MemberData(nameof(Batching))]
    public void Batching_has_every_field_decided(int? size, string? delay, int? wantSize, string? wantDelay)
    {
        var spec = RevisionSpec.Resolve("churn-0a1b2c3d4e", Model("1"), new RuntimeSpec { Batching = new BatchingSpec { MaxBatchSize = size, MaxBatchDelay = delay } }, "server:1");

        Assert.Equal(new RevisionBatching(wantSize!.Value, wantDelay!), spec.Batching);
    }

    [Fact]
    public void Without_a_batching_section_the_server_is_told_nothing()
    {
        Assert.Null(RevisionSpec.Resolve("churn-0a1b2c3d4e", Model("1"), null, "server:1").Batching);
    }
}
