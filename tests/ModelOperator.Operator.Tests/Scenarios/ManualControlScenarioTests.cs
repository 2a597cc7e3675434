using System.Text.Json.Nodes;
using ModelOperator.Api;
using ModelOperator.Kubernetes;
using ModelOperator.Operator.Tests.Support;

namespace ModelOperator.Operator.Tests.Scenarios;

/// <summary>Given / When / Then: pause, promote, abort and undo through the edits a user makes with kubectl.</summary>
public sealed class ManualControlScenarioTests
{
    /// <summary>Steps that stop at an open-ended pause: only a person moves the canary on.</summary>
    private static ModelDeployment WaitingForAPerson() =>
        ScenarioTests.Md(steps: [new RolloutStep { SetWeight = 25 }, new RolloutStep { Pause = new PauseStep() }, new RolloutStep { SetWeight = 50 }]);

    /// <summary>What <c>kubectl annotate md/churn key=value</c> sends: a merge patch of metadata.annotations.</summary>
    private static Task Annotate(OperatorTestBed bed, params (string Key, string Value)[] annotations)
    {
        var body = new JsonObject();
        foreach (var (key, value) in annotations)
        {
            body[key] = value;
        }

        return bed.Client.Resource<ModelDeployment>().PatchAsync(OperatorTestBed.Key("churn"),
            Patch.Merge(new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = body } }));
    }

    /// <summary>What <c>kubectl patch md/churn --type=merge -p '{"spec":{"paused":…}}'</c> sends.</summary>
    private static Task SetPaused(OperatorTestBed bed, bool paused) =>
        bed.Client.Resource<ModelDeployment>().PatchAsync(OperatorTestBed.Key("churn"),
            Patch.Merge(new JsonObject { ["spec"] = new JsonObject { ["paused"] = paused } }));

    private static bool HasAction(ModelDeployment md) => md.Metadata.Annotations?.ContainsKey(Annotations.Action) == true;

    [Fact]
    public async Task Spec_paused_holds_the_canary_and_resuming_continues()
    {
        // Given a canary at 25% on its way to an analysis
        await using var bed = await OperatorTestBed.StartAsync();
        await ScenarioTests.HealthyAsync(bed);
        await ScenarioTests.NewVersionAsync(bed, "2");
        var at25 = await bed.RunUntilAsync("churn", m => m.Status?.CanaryWeight == 25);

        // When it is paused and an hour passes
        await SetPaused(bed, true);
        var paused = await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.Paused);
        for (var i = 0; i < 12; i++)
        {
            bed.Clock.Advance(TimeSpan.FromMinutes(5));
            await bed.RoundAsync("churn");
        }

        var held = await bed.GetAsync("churn");

        // Then nothing moved, and the pause is visible
        Assert.Equal(Phases.Paused, held.Status!.Phase);
        Assert.Equal(at25.Status!.CanaryRevision!.Name, held.Status.CanaryRevision!.Name);
        Assert.Equal(25, held.Status.CanaryWeight);
        Assert.Equal(at25.Status.CurrentStepIndex, held.Status.CurrentStepIndex);
        Assert.NotNull(paused.Status!.PauseStartTime);

        // When it is resumed, then the rollout finishes (the paused hour did not count toward the progress deadline)
        await SetPaused(bed, false);
        var promoted = await bed.RunUntilAsync("churn", m => m.Status?.StableRevision?.ModelVersion == "2");
        Assert.Equal(DecisionActions.Promote, promoted.Status!.LastDecision!.Action);
    }

    [Fact]
    public async Task Promote_action_skips_the_remaining_steps_once_and_is_removed()
    {
        await using var bed = await OperatorTestBed.StartAsync();
        await ScenarioTests.HealthyAsync(bed, WaitingForAPerson());
        await ScenarioTests.NewVersionAsync(bed, "2");
        var waiting = await bed.RunUntilAsync("churn", m => m.Status?.CurrentStepIndex == 1);

        await Annotate(bed, (Annotations.Action, ManualActions.Promote));
        var md = await bed.RunUntilAsync("churn", m => !HasAction(m) && m.Status?.StableRevision?.ModelVersion == "2");

        Assert.Equal(waiting.Status!.CanaryRevision!.Name, md.Status!.StableRevision!.Name);
        Assert.Equal(DecisionActions.Promote, md.Status.LastDecision!.Action);
        Assert.Equal(Reasons.ManualPromote, md.Status.LastDecision.Reason);
        Assert.Null(md.Status.CanaryRevision);
    }

    [Fact]
    public async Task Abort_action_rolls_the_canary_back_now()
    {
        await using var bed = await OperatorTestBed.StartAsync();
        var first = await ScenarioTests.HealthyAsync(bed, WaitingForAPerson());
        await ScenarioTests.NewVersionAsync(bed, "2");
        await bed.RunUntilAsync("churn", m => m.Status?.CurrentStepIndex == 1);

        await Annotate(bed, (Annotations.Action, ManualActions.Abort));
        var md = await bed.RunUntilAsync("churn", m => !HasAction(m) && m.Status?.Phase == Phases.RolledBack);

        Assert.Equal(Reasons.ManualAbort, md.Status!.LastDecision!.Reason);
        Assert.Equal(first.Status!.StableRevision!.Name, md.Status.StableRevision!.Name);
        Assert.Contains(md.Status.QuarantinedRevisions!, q => q.ModelVersion == "2" && q.Reason == Reasons.ManualAbort);
        Assert.Equal(0, md.Status.CanaryWeight ?? 0);
    }

    [Fact]
    public async Task Undo_action_goes_back_to_a_revision_from_the_history()
    {
        // Given versions 1, 2 and 3 promoted one after the other
        await using var bed = await OperatorTestBed.StartAsync();
        var first = await ScenarioTests.HealthyAsync(bed);
        await ScenarioTests.NewVersionAsync(bed, "2");
        await bed.RunUntilAsync("churn", m => m.Status?.StableRevision?.ModelVersion == "2" && m.Status.Phase == Phases.Healthy);
        await ScenarioTests.NewVersionAsync(bed, "3");
        var third = await bed.RunUntilAsync("churn", m => m.Status?.StableRevision?.ModelVersion == "3" && m.Status.Phase == Phases.Healthy);
        var revisionOne = third.Status!.RevisionHistory!.Single(h => h.ModelVersion == "1").Revision;

        // When the user asks to undo to revision 1 by number
        await Annotate(bed, (Annotations.Action, ManualActions.Undo), (Annotations.UndoRevision, revisionOne!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var md = await bed.RunUntilAsync("churn", m => !HasAction(m) && m.Status?.StableRevision?.ModelVersion == "1");

        // Then version 1 serves, the decision says so, and both annotations are gone
        Assert.Equal(first.Status!.StableRevision!.Name, md.Status!.StableRevision!.Name);
        Assert.Equal(DecisionActions.Undo, md.Status.LastDecision!.Action);
        Assert.False(md.Metadata.Annotations?.ContainsKey(Annotations.UndoRevision) == true);
    }

    [Fact]
    public async Task Impossible_undo_is_rejected_with_the_reason_and_changes_nothing()
    {
        await using var bed = await OperatorTestBed.StartAsync();
        var first = await ScenarioTests.HealthyAsync(bed);

        await Annotate(bed, (Annotations.Action, ManualActions.Undo), (Annotations.UndoRevision, "seven"));
        var md = await bed.RunUntilAsync("churn", m => !HasAction(m));

        Assert.Equal(DecisionActions.Reject, md.Status!.LastDecision!.Action);
        Assert.Equal(Reasons.InvalidAction, md.Status.LastDecision.Reason);
        Assert.Contains("\"seven\" is not a revision number", md.Status.LastDecision.Message, StringComparison.Ordinal);
        Assert.Equal(first.Status!.StableRevision!.Name, md.Status.StableRevision!.Name);
    }

    [Fact]
    public async Task With_the_real_kubectl_pause_resume_and_abort_drive_the_rollout()
    {
        // Given a canary waiting at its open-ended pause
        await using var bed = await OperatorTestBed.StartAsync();
        var dir = Directory.CreateTempSubdirectory("operator-kubectl-").FullName;
        var kubectl = new Kubectl(bed.Server.WriteKubeconfig(Path.Combine(dir, "kubeconfig"), OperatorTestBed.Namespace), dir);
        var first = await ScenarioTests.HealthyAsync(bed, WaitingForAPerson());
        await ScenarioTests.NewVersionAsync(bed, "2");
        await bed.RunUntilAsync("churn", m => m.Status?.CurrentStepIndex == 1);

        // When a user pauses with kubectl patch, then the phase says so in kubectl's own table
        (await kubectl.RunAsync("patch", "md", "churn", "--type=merge", "-p", "{\"spec\":{\"paused\":true}}")).EnsureSuccess();
        await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.Paused);
        var table = (await kubectl.RunAsync("get", "md", "churn")).EnsureSuccess().Stdout;
        Assert.Contains(Phases.Paused, table, StringComparison.Ordinal);

        // When they resume and abort with kubectl annotate
        (await kubectl.RunAsync("patch", "md", "churn", "--type=merge", "-p", "{\"spec\":{\"paused\":false}}")).EnsureSuccess();
        (await kubectl.RunAsync("annotate", "md", "churn", $"{Annotations.Action}={ManualActions.Abort}")).EnsureSuccess();
        var md = await bed.RunUntilAsync("churn", m => !HasAction(m) && m.Status?.Phase == Phases.RolledBack);

        // Then the canary is rolled back, and kubectl shows the annotation gone
        Assert.Equal(Reasons.ManualAbort, md.Status!.LastDecision!.Reason);
        Assert.Equal(first.Status!.StableRevision!.Name, md.Status.StableRevision!.Name);
        var annotations = (await kubectl.RunAsync("get", "md", "churn", "-o", "jsonpath={.metadata.annotations}")).EnsureSuccess().Stdout;
        Assert.DoesNotContain(Annotations.Action, annotations, StringComparison.Ordinal);
    }
}
