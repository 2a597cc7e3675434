using ModelOperator.Api;

namespace ModelOperator.Operator.Tests.Scenarios;

/// <summary>Given / When / Then: what the model server's ready endpoint says drives rollbacks and ModelVerified.</summary>
public sealed class ModelHealthScenarioTests
{
    [Fact]
    public async Task Canary_whose_pods_report_a_checksum_mismatch_is_rolled_back_at_once()
    {
        // Given a healthy stable, and a version 2 whose model file does not match its sha256
        await using var bed = await OperatorTestBed.StartAsync();
        var first = await ScenarioTests.HealthyAsync(bed);
        bed.Behave("2", new VersionBehaviour(ModelReason: Reasons.ChecksumMismatch, ModelMessage: "sha256 of model.onnx is 0f1e, expected ab12"));
        var verifiedBefore = first.Status!.Conditions!.Single(c => c.Type == Conditions.ModelVerified);

        // When version 2 is rolled out
        await ScenarioTests.NewVersionAsync(bed, "2");
        var started = bed.Clock.GetUtcNow();
        var md = await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.RolledBack, TimeSpan.FromSeconds(1));

        // Then it is rolled back before any analysis interval (30s) passed, for the model's own reason
        Assert.True(bed.Clock.GetUtcNow() - started < TimeSpan.FromSeconds(30), $"took {bed.Clock.GetUtcNow() - started}");
        Assert.Equal(Reasons.ChecksumMismatch, md.Status!.LastDecision!.Reason);
        Assert.Equal(DecisionActions.Rollback, md.Status.LastDecision.Action);
        Assert.Equal("1", md.Status.StableRevision!.ModelVersion);
        Assert.Contains(md.Status.QuarantinedRevisions!, q => q.ModelVersion == "2" && q.Reason == Reasons.ChecksumMismatch);
        Assert.Contains("expected ab12", md.Status.LastDecision.Message, StringComparison.Ordinal);
        var rolledBack = md.Status.Conditions!.Single(c => c.Type == Conditions.RolledBack);
        Assert.Equal(ConditionStatus(true), rolledBack.Status);
        Assert.Equal(Reasons.ChecksumMismatch, rolledBack.Reason);
        Assert.NotEmpty(bed.ProbedPods);

        // ModelVerified speaks of the spec's model: verified before, and false once its revision was rolled back for a
        // mismatch, with the revision named, although the canary's pods are gone.
        Assert.Equal(ConditionStatus(true), verifiedBefore.Status);
        var verified = md.Status.Conditions!.Single(c => c.Type == Conditions.ModelVerified);
        Assert.Equal(ConditionStatus(false), verified.Status);
        Assert.Equal(Reasons.ChecksumMismatch, verified.Reason);
        Assert.Contains("model version 2", verified.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Canary_whose_model_is_invalid_is_rolled_back_as_a_load_failure()
    {
        await using var bed = await OperatorTestBed.StartAsync();
        await ScenarioTests.HealthyAsync(bed);
        bed.Behave("2", new VersionBehaviour(ModelReason: "InvalidModel", ModelMessage: "ONNX Runtime: protobuf parsing failed"));

        await ScenarioTests.NewVersionAsync(bed, "2");
        var md = await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.RolledBack, TimeSpan.FromSeconds(1));

        Assert.Equal(Reasons.ModelLoadFailed, md.Status!.LastDecision!.Reason);
        Assert.Contains("protobuf parsing failed", md.Status.LastDecision.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ready_pods_are_not_asked_why()
    {
        await using var bed = await OperatorTestBed.StartAsync();

        await ScenarioTests.HealthyAsync(bed);
        await bed.RoundAsync("churn");

        Assert.Empty(bed.ProbedPods);
    }

    private static string ConditionStatus(bool value) => value ? "True" : "False";
}
