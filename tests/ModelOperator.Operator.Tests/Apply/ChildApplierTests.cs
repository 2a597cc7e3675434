using ModelOperator.Api;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Apply;
using ModelOperator.Operator.Children;
using ModelOperator.Operator.Tests.Children;
using ModelOperator.Operator.Tests.Scenarios;

namespace ModelOperator.Operator.Tests.Apply;

/// <summary>The applier against the in-memory API server: it never adopts or overwrites an object it does not control.</summary>
public sealed class ChildApplierTests
{
    [Theory]
    [InlineData(false)] // made by hand
    [InlineData(true)] // controlled by another ModelDeployment
    public async Task An_autoscaler_it_does_not_control_is_refused_and_left_as_it_was(bool controlled)
    {
        // Given a ModelDeployment and an HPA with the name its revision's HPA would have, not controlled by it
        await using var bed = await OperatorTestBed.StartAsync();
        var md = await bed.CreateAsync(ScenarioTests.Md());
        var wanted = PinnedHpaBuilder.Build(md, Samples.Revision(md, "churn-0a1b2c3d4e", 3));
        var other = await bed.CreateAsync(ScenarioTests.Md() with { Metadata = new ObjectMeta { Name = "fraud", Namespace = OperatorTestBed.Namespace } });
        var owners = controlled ? new List<OwnerReference> { ChildNames.OwnerOf(other) } : null;
        var theirs = await bed.Client.Resource<HorizontalPodAutoscaler>().CreateAsync(wanted with
        {
            Metadata = new ObjectMeta { Name = wanted.Metadata.Name, Namespace = wanted.Metadata.Namespace, OwnerReferences = owners },
            Spec = wanted.Spec! with { MinReplicas = 9, MaxReplicas = 9 },
        });

        // When the applier is asked to make the wanted HPA exist (the cache saw none of ours)
        var applier = new ChildApplier(bed.Client);
        var conflict = await Assert.ThrowsAsync<ChildConflictException>(() => applier.EnsureAsync(wanted, null, CancellationToken.None));

        // Then it refuses, naming the object and its controller, and the object is unchanged
        Assert.Equal(Reasons.ChildConflict, conflict.Reason);
        Assert.Contains($"HorizontalPodAutoscaler {wanted.Metadata.Name} already exists", conflict.Message, StringComparison.Ordinal);
        Assert.Contains(controlled ? "is controlled by ModelDeployment fraud" : "has no controller owner reference", conflict.Message, StringComparison.Ordinal);
        var after = await bed.Client.Resource<HorizontalPodAutoscaler>().GetAsync(ObjectKey.From(theirs));
        Assert.Equal(theirs.Metadata.ResourceVersion, after.Metadata.ResourceVersion);
        Assert.Equal(9, after.Spec!.MinReplicas);
    }

    [Fact]
    public async Task An_object_it_controls_is_updated()
    {
        await using var bed = await OperatorTestBed.StartAsync();
        var md = await bed.CreateAsync(ScenarioTests.Md());
        var applier = new ChildApplier(bed.Client);
        await applier.EnsureAsync(PinnedHpaBuilder.Build(md, Samples.Revision(md, "churn-0a1b2c3d4e", 3)), null, CancellationToken.None);

        // The cache is behind (observed null), so create meets AlreadyExists: ours, so it is compared and updated
        var (updated, outcome) = await applier.EnsureAsync(PinnedHpaBuilder.Build(md, Samples.Revision(md, "churn-0a1b2c3d4e", 5)), null, CancellationToken.None);

        Assert.Equal(ApplyOutcome.Updated, outcome);
        Assert.Equal(5, updated.Spec!.MinReplicas);
    }
}
