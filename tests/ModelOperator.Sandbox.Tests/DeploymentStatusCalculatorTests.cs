using ModelOperator.Kubernetes.Models;
using ModelOperator.Sandbox.Deployments;
using static ModelOperator.Sandbox.Tests.PodBuilders;

namespace ModelOperator.Sandbox.Tests;

public sealed class DeploymentStatusCalculatorTests
{
    private static readonly TimeSpan Ready = TimeSpan.FromSeconds(30);

    public static IEnumerable<object[]> Cases() =>
    [
        // name, replicas, minReadySeconds, pods, replicas, updated, ready, available, unavailable, Available, Progressing reason
        ["all ready", 2, 0, new[] { Pod("a", "h", Ready), Pod("b", "h", Ready) }, 2, 2, 2, 2, 0, "True", "NewReplicaSetAvailable"],
        ["one of two ready: 25% of 2 rounds to 0", 2, 0, new[] { Pod("a", "h", Ready), Pod("b", "h", null) }, 2, 2, 1, 1, 1, "False", "ReplicaSetUpdated"],
        ["one of four missing is within 25%", 4, 0, new[] { Pod("a", "h", Ready), Pod("b", "h", Ready), Pod("c", "h", Ready), Pod("d", "h", null) }, 4, 4, 3, 3, 1, "True", "ReplicaSetUpdated"],
        ["ready but not for minReadySeconds", 1, 60, new[] { Pod("a", "h", Ready) }, 1, 1, 1, 0, 1, "False", "ReplicaSetUpdated"],
        ["terminating pods are not counted", 1, 0, new[] { Pod("a", "h", Ready), Pod("b", "h", Ready, terminating: true) }, 1, 1, 1, 1, 0, "True", "NewReplicaSetAvailable"],
        ["old template pods count in replicas, not updated", 1, 0, new[] { Pod("a", "h", null), Pod("o", "old", Ready) }, 2, 1, 1, 1, 0, "True", "ReplicaSetUpdated"],
        ["scaled to zero", 0, 0, Array.Empty<Pod>(), 0, 0, 0, 0, 0, "True", "NewReplicaSetAvailable"],
        ["no pods yet", 1, 0, Array.Empty<Pod>(), 0, 0, 0, 0, 1, "False", "ReplicaSetUpdated"],
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Counts_and_conditions(string name, int replicas, int minReadySeconds, Pod[] pods, int total, int updated, int ready, int available, int unavailable, string availableStatus, string progressingReason)
    {
        var deployment = Deployment(replicas, minReadySeconds);

        var status = DeploymentStatusCalculator.Compute(deployment, pods, "h", Now);

        Assert.True(total == status.Replicas, name);
        Assert.Equal(updated, status.UpdatedReplicas);
        Assert.Equal(ready, status.ReadyReplicas);
        Assert.Equal(available, status.AvailableReplicas);
        Assert.Equal(unavailable, status.UnavailableReplicas);
        Assert.Equal(7, status.ObservedGeneration);
        Assert.Equal(availableStatus, status.Conditions!.Single(c => c.Type == "Available").Status);
        Assert.Equal(progressingReason, status.Conditions!.Single(c => c.Type == "Progressing").Reason);
    }

    [Fact]
    public void Progressing_turns_false_after_the_deadline_without_change_and_keeps_transition_times_while_unchanged()
    {
        var pods = new[] { Pod("a", "h", null) };
        var first = DeploymentStatusCalculator.Compute(Deployment(1, 0), pods, "h", Now);
        var deployment = Deployment(1, 0) with { Status = first };

        var minuteLater = DeploymentStatusCalculator.Compute(deployment, pods, "h", Now.AddMinutes(1));
        Assert.Equal(first.Conditions, minuteLater.Conditions);

        var late = DeploymentStatusCalculator.Compute(deployment, pods, "h", Now.AddSeconds(601));
        var progressing = late.Conditions!.Single(c => c.Type == "Progressing");
        Assert.Equal(("False", "ProgressDeadlineExceeded"), (progressing.Status, progressing.Reason));
        Assert.Equal(Now.AddSeconds(601), progressing.LastTransitionTime);
    }

    [Theory]
    [InlineData(null, null, 10, 2)]
    [InlineData("RollingUpdate", "50%", 3, 1)]
    [InlineData("RollingUpdate", 2, 10, 2)]
    [InlineData("RollingUpdate", 20, 3, 3)]
    [InlineData("Recreate", null, 5, 0)]
    public void Max_unavailable(string? strategy, object? value, int replicas, int expected)
    {
        var spec = new DeploymentSpec
        {
            Strategy = new DeploymentStrategy
            {
                Type = strategy,
                RollingUpdate = value switch
                {
                    int n => new RollingUpdateDeployment { MaxUnavailable = IntOrString.FromInt(n) },
                    string s => new RollingUpdateDeployment { MaxUnavailable = IntOrString.FromString(s) },
                    _ => null,
                },
            },
        };

        Assert.Equal(expected, DeploymentStatusCalculator.MaxUnavailable(spec, replicas));
    }

    private static Deployment Deployment(int replicas, int minReadySeconds) => new()
    {
        Metadata = new ObjectMeta { Name = "web", Namespace = "sandbox", Generation = 7 },
        Spec = new DeploymentSpec { Replicas = replicas, MinReadySeconds = minReadySeconds },
    };
}
