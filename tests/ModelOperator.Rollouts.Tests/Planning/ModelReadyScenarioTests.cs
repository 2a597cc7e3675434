using ModelOperator.Api;
using static ModelOperator.Rollouts.Tests.Planning.ModelDeployments;
using static ModelOperator.Rollouts.Tests.Planning.PromotionScenarioTests;

namespace ModelOperator.Rollouts.Tests.Planning;

/// <summary><c>ModelReady</c> names the model server's own reason when the spec's model cannot be loaded.</summary>
public sealed class ModelReadyScenarioTests
{
    private static readonly PodBehaviour WrongCredential = new()
    {
        ModelReason = "DownloadFailed",
        ModelMessage = "S3 refused the credentials from Secret model-store (InvalidAccessKeyId)",
    };

    [Fact]
    public void A_first_deployment_whose_model_cannot_be_downloaded_is_ModelReady_False_with_the_servers_reason()
    {
        // Given a new ModelDeployment whose pods cannot download the model (a wrong credential)
        var cluster = new FakeCluster(Create("1", [Weight(100)], replicas: 2));
        cluster.Behave("1", WrongCredential);

        // When it is reconciled until the pods report
        cluster.Reconcile();
        cluster.Reconcile();

        // Then ModelReady is False with the server's word and message, naming the revision
        var modelReady = cluster.Status.Conditions!.Single(c => c.Type == Conditions.ModelReady);
        Assert.Equal((ConditionStatus.False, "DownloadFailed"), (modelReady.Status, modelReady.Reason));
        Assert.Contains("model-store", modelReady.Message, StringComparison.Ordinal);
        Assert.StartsWith(cluster.Status.StableRevision!.Name!, modelReady.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_that_loads_is_ModelReady_True_and_a_canary_that_cannot_load_leaves_it_False_after_the_rollback()
    {
        // Given version 1 is stable and loaded
        var cluster = new FakeCluster(Create("1", [Weight(20), Analyze(), Weight(100)], Thresholds(), replicas: 4, bakeTime: "0s"));
        cluster.RunUntil(c => c.Status.Phase == Phases.Healthy);
        Assert.Equal((ConditionStatus.True, Reasons.ModelLoaded), (Condition(cluster, Conditions.ModelReady), ConditionReason(cluster, Conditions.ModelReady)));

        // When version 2's pods cannot download their model
        cluster.Behave("2", WrongCredential);
        cluster.Update(md => md.WithVersion("2"));
        cluster.RunUntil(c => c.Status.Phase == Phases.RolledBack);

        // Then the rollback's decision carries the server's word, and ModelReady stays False for the spec's model
        Assert.Contains("DownloadFailed", cluster.Status.LastDecision!.Message, StringComparison.Ordinal);
        Assert.Equal((ConditionStatus.False, Reasons.ModelLoadFailed), (Condition(cluster, Conditions.ModelReady), ConditionReason(cluster, Conditions.ModelReady)));
    }
}
