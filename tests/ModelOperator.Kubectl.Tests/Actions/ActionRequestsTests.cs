using ModelOperator.Api;
using ModelOperator.Kubectl.Actions;
using ModelOperator.Kubectl.Cli;
using ModelOperator.Kubectl.Tests.Support;

namespace ModelOperator.Kubectl.Tests.Actions;

public sealed class ActionRequestsTests
{
    [Fact]
    public void Promote_annotates_exactly_as_kubectl_annotate_would_and_says_so()
    {
        var request = ActionRequests.Promote(Fixtures.Canary());

        Assert.Equal("""{"metadata":{"annotations":{"modeloperator.io/action":"promote","modeloperator.io/undo-revision":null}}}""", request.Patch!.ToJsonString());
        Assert.StartsWith("modeldeployment.modeloperator.io/churn: promote requested (annotation modeloperator.io/action=promote)", request.Report, StringComparison.Ordinal);
        Assert.Contains("Canary churn-bbbbbbbbbb (model version 2) becomes stable", request.Report, StringComparison.Ordinal);
    }

    [Fact]
    public void Promote_step_annotates_the_one_step_value_and_says_which_step_ends_and_which_starts()
    {
        var request = ActionRequests.PromoteStep(Fixtures.Canary());

        Assert.Equal("""{"metadata":{"annotations":{"modeloperator.io/action":"promote-step","modeloperator.io/undo-revision":null}}}""", request.Patch!.ToJsonString());
        Assert.Equal(
            "modeldeployment.modeloperator.io/churn: promote-step requested (annotation modeloperator.io/action=promote-step)" + Environment.NewLine +
            "Step 2 of 5 (analysis) of canary churn-bbbbbbbbbb is finished and step 3 (setWeight 50%) starts when the operator handles it.",
            request.Report);
    }

    [Fact]
    public void Promote_step_at_the_last_step_says_the_canary_becomes_stable()
    {
        var md = Fixtures.Canary();
        md = md with { Status = md.Status! with { CurrentStepIndex = 4 } };

        Assert.Contains("The last step (analysis) is finished and canary churn-bbbbbbbbbb (model version 2) becomes stable", ActionRequests.PromoteStep(md).Report, StringComparison.Ordinal);
        Assert.StartsWith("promote-step: no canary is running", Assert.Throws<PluginException>(() => ActionRequests.PromoteStep(Fixtures.Healthy())).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Promote_and_abort_need_a_running_canary()
    {
        var promote = Assert.Throws<PluginException>(() => ActionRequests.Promote(Fixtures.RolledBack()));
        var abort = Assert.Throws<PluginException>(() => ActionRequests.Abort(Fixtures.Healthy()));
        var noStatus = Assert.Throws<PluginException>(() => ActionRequests.Abort(Fixtures.NoStatus()));

        Assert.Equal("promote: no canary is running for churn (stable is churn-aaaaaaaaaa, phase RolledBack)", promote.Message);
        Assert.StartsWith("abort: no canary is running", abort.Message, StringComparison.Ordinal);
        Assert.Contains("has no status yet", noStatus.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_action_replacing_a_pending_one_says_so()
    {
        var md = Fixtures.Canary();
        md = md with { Metadata = md.Metadata with { Annotations = new Dictionary<string, string> { [Annotations.Action] = "promote" } } };

        Assert.Contains("it replaces the pending action 'promote'", ActionRequests.Abort(md).Report, StringComparison.Ordinal);
    }

    [Fact]
    public void Retry_needs_a_quarantined_revision()
    {
        Assert.Equal("retry", ActionRequests.Retry(Fixtures.RolledBack()).Patch!["metadata"]!["annotations"]![Annotations.Action]!.GetValue<string>());
        Assert.Throws<PluginException>(() => ActionRequests.Retry(Fixtures.Healthy()));
    }

    [Theory]
    [InlineData(null, "2", "churn-bbbbbbbbbb")]
    [InlineData(1L, "1", "churn-aaaaaaaaaa")]
    [InlineData(2L, "2", "churn-bbbbbbbbbb")]
    public void Undo_maps_the_revision_number_to_the_history_and_writes_it(long? toRevision, string written, string revisionName)
    {
        var request = ActionRequests.Undo(Fixtures.ThreePromotions(), toRevision);

        var annotations = request.Patch!["metadata"]!["annotations"]!;
        Assert.Equal("undo", annotations[Annotations.Action]!.GetValue<string>());
        Assert.Equal(written, annotations[Annotations.UndoRevision]!.GetValue<string>());
        Assert.Contains($"Revision {written} ({revisionName},", request.Report, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(7L, "undo: revision 7 is not in the history of churn; available: 1, 2, 3")]
    [InlineData(3L, "undo: revision 3 (churn-cccccccccc, model version 3) is already stable")]
    public void Undo_to_a_revision_that_cannot_be_the_target_fails(long toRevision, string message)
    {
        var e = Assert.Throws<PluginException>(() => ActionRequests.Undo(Fixtures.ThreePromotions(), toRevision));

        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Undo_without_an_earlier_revision_fails()
    {
        var e = Assert.Throws<PluginException>(() => ActionRequests.Undo(Fixtures.Healthy(), null));

        Assert.Equal("undo: churn has no previous revision to go back to (history: 1)", e.Message);
    }

    [Fact]
    public void Pause_and_resume_patch_spec_paused_and_do_nothing_when_it_already_is_so()
    {
        Assert.Equal("""{"spec":{"paused":true}}""", ActionRequests.Pause(Fixtures.Canary()).Patch!.ToJsonString());
        Assert.Equal("""{"spec":{"paused":false}}""", ActionRequests.Resume(Fixtures.PausedBySpec()).Patch!.ToJsonString());
        Assert.Equal("modeldeployment.modeloperator.io/churn: paused (spec.paused=true)", ActionRequests.Pause(Fixtures.Canary()).Report);

        var again = ActionRequests.Pause(Fixtures.PausedBySpec());
        Assert.Null(again.Patch);
        Assert.Equal("modeldeployment.modeloperator.io/churn: already paused (spec.paused is true); nothing changed", again.Report);
    }

    [Fact]
    public void Resume_at_a_pause_step_explains_that_spec_paused_is_not_what_holds_it()
    {
        var request = ActionRequests.Resume(Fixtures.PausedAtStep());

        Assert.Null(request.Patch);
        Assert.Contains("kubectl model promote churn finishes that step (--full skips every remaining one)", request.Report, StringComparison.Ordinal);
    }
}
