using System.Globalization;
using System.Text.RegularExpressions;
using ModelOperator.Api;
using ModelOperator.EndToEnd.Tests.Support;

namespace ModelOperator.EndToEnd.Tests;

/// <summary>
/// The product end to end on the local sandbox: real model servers, the real operator process, real Prometheus and real
/// kubectl. Given / When / Then in each test. The tests share one collection: they run one at a time, each on its own
/// sandbox, because each starts a dozen processes on a 2-core machine.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class RolloutEndToEndTests
{
    private const string FastSteps = "    - setWeight: 50\n    - analysis: {}\n";

    private static bool RolledBack(ModelDeployment md) => md.Status?.Phase == Phases.RolledBack;

    [Fact]
    public async Task A_good_model_is_promoted_a_drifting_one_rolled_back_and_reapplying_it_from_git_starts_nothing()
    {
        await using var e2e = await E2eSandbox.StartAsync();

        // Given version 1 serving steady traffic
        await e2e.ApplyAsync(e2e.Manifest(1, E2eSandbox.Steps(FastSteps)));
        await e2e.WaitForPhaseAsync(Phases.Healthy);
        var traffic = e2e.StartTraffic(rate: 80); // 600 canary requests per 15 s window at 50%

        // When version 2 (a good model) is applied, Then the canary passes its analysis and is promoted
        await e2e.ApplyAsync(e2e.Manifest(2, E2eSandbox.Steps(FastSteps)));
        var promoted = await e2e.WaitForAsync("version 2 promoted", md => md.Status?.StableRevision?.ModelVersion == "2" && md.Status.CanaryRevision is null, failIf: RolledBack);
        Assert.Equal("Promoted", promoted.Status!.LastDecision!.Reason);
        await e2e.WaitForAsync("the bake window to end", md => md.Status?.Phase == Phases.Healthy && (md.Status.BakeUntil is null || md.Status.BakeUntil <= DateTimeOffset.UtcNow));

        // When version 3 (its predictions drift) is applied, Then it is rolled back on prediction drift, with the numbers
        await e2e.ApplyAsync(e2e.Manifest(3, E2eSandbox.Steps(FastSteps)));
        var rolledBack = await e2e.WaitForPhaseAsync(Phases.RolledBack);
        var decision = rolledBack.Status!.LastDecision!;
        Assert.Equal(("Rollback", Reasons.PredictionDrift, "predictionDrift"), (decision.Action, decision.Reason, decision.Metric));
        Assert.True(decision.ObservedValue > decision.Threshold, $"{decision.ObservedValue} should be above {decision.Threshold}");
        Assert.True(decision.Samples >= 300, $"{decision.Samples} samples");
        // And it says how predictions moved: v3 answers above the cut far more often than v2, in words and numbers
        var moved = Assert.Single(decision.Causes!);
        Assert.Equal("churn_probability", moved.Name);
        var shares = PredictionShift().Match(moved.Summary ?? string.Empty);
        Assert.True(shares.Success, $"the cause should say how predictions moved: {moved.Summary}");
        Assert.True(double.Parse(shares.Groups["canary"].Value, CultureInfo.InvariantCulture) > double.Parse(shares.Groups["stable"].Value, CultureInfo.InvariantCulture) + 20, moved.Summary);
        Assert.Contains("caused by churn_probability (PSI ", decision.Message, StringComparison.Ordinal);
        Assert.Contains($" over {moved.Samples} values: {moved.Summary})", decision.Message, StringComparison.Ordinal);
        Assert.Equal("2", rolledBack.Status.StableRevision!.ModelVersion);
        Assert.Contains(rolledBack.Status.QuarantinedRevisions!, q => q.ModelVersion == "3" && q.Reason == Reasons.PredictionDrift);
        Assert.Contains(rolledBack.Status.Conditions!, c => c.Type == Conditions.RolledBack && c.Status == "True" && c.Reason == Reasons.PredictionDrift);
        await e2e.WaitForEventAsync("PredictionDrift warning", e => e.Reason == Reasons.PredictionDrift && e.Type == "Warning");
        var v3 = rolledBack.Status.QuarantinedRevisions!.Single(q => q.ModelVersion == "3").Name!;
        Assert.Equal(0, (await e2e.DeploymentsAsync()).SingleOrDefault(d => d.Metadata.Name == v3)?.Spec?.Replicas ?? 0);

        // When, once the rolled-back pods are gone, Git applies the same manifest again (an Argo CD or Flux sync),
        // Then nothing starts and nothing is written
        var settled = await e2e.WaitForAsync("the rolled-back pods to go", md => md.Status?.ReadyReplicas == 4 && md.Status.CanaryWeight == 0);
        for (var i = 0; i < 120 && (await e2e.PodsOf(v3)).Count > 0; i++)
        {
            await Task.Delay(250);
        }

        Assert.Empty(await e2e.PodsOf(v3));
        settled = await e2e.GetAsync();
        var writesBefore = e2e.Sandbox.ApiServer.Writes("modeldeployments", "default", "churn");
        var reapplied = await e2e.ApplyAsync(e2e.Manifest(3, E2eSandbox.Steps(FastSteps)));
        Assert.Contains("unchanged", reapplied.Stdout, StringComparison.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(12));
        var after = await e2e.GetAsync();
        Assert.Equal(Phases.RolledBack, after.Status!.Phase);
        // The stable revision's drift state is measured every interval whatever git does, and written when it has news
        // (a young window moves): that one field may move, by at most one write; the rollout's state may not.
        Assert.Equal(E2eSandbox.Json(settled.Status! with { StableDrift = null }), E2eSandbox.Json(after.Status with { StableDrift = null })); // says which field moved, if one did
        Assert.Equal(0, (await e2e.DeploymentsAsync()).SingleOrDefault(d => d.Metadata.Name == v3)?.Spec?.Replicas ?? 0);
        var driftWrites = after.Status.StableDrift?.ObservedAt == settled.Status.StableDrift?.ObservedAt ? 0 : 1;
        var writesAfter = e2e.Sandbox.ApiServer.Writes("modeldeployments", "default", "churn");
        Assert.Equal(writesBefore.Total, writesAfter.Total);
        Assert.InRange(writesAfter.StatusTotal - writesBefore.StatusTotal, 0, driftWrites);
        Assert.True(traffic.Succeeded > 0);
        e2e.AssertTheOperatorCalledOnlyWhatTheChartGrants();
    }

    [Fact]
    public async Task A_model_that_fails_to_load_is_rolled_back()
    {
        await using var e2e = await E2eSandbox.StartAsync();
        await e2e.ApplyAsync(e2e.Manifest(1, E2eSandbox.Steps(FastSteps)));
        await e2e.WaitForPhaseAsync(Phases.Healthy);

        // When version 2 points at a file that is not on the claim
        await e2e.ApplyAsync(e2e.Manifest(2, E2eSandbox.Steps(FastSteps)) is var m ? E2eSandbox.Replace(m, "uri: pvc://models/churn/2/model.onnx", "uri: pvc://models/churn/9/model.onnx") : null!);

        // Then the canary is rolled back because its model did not load, and version 1 still serves
        var md = await e2e.WaitForPhaseAsync(Phases.RolledBack);
        Assert.Equal(Reasons.ModelLoadFailed, md.Status!.LastDecision!.Reason);
        Assert.Contains("ModelNotFound", md.Status.LastDecision.Message, StringComparison.Ordinal);
        Assert.Equal("1", md.Status.StableRevision!.ModelVersion);
        e2e.AssertTheOperatorCalledOnlyWhatTheChartGrants();
    }

    [Fact]
    public async Task A_sha256_mismatch_sets_ModelVerified_false_and_nothing_of_it_is_served()
    {
        await using var e2e = await E2eSandbox.StartAsync();
        await e2e.ApplyAsync(e2e.Manifest(1, E2eSandbox.Steps(FastSteps)));
        await e2e.WaitForPhaseAsync(Phases.Healthy);
        var traffic = e2e.StartTraffic(rate: 20);

        // When version 2 names version 1's checksum
        var manifest = E2eSandbox.Replace(e2e.Manifest(2, E2eSandbox.Steps(FastSteps)), "sha256: 4152c015a75ab73ea366d491a4fff9248bcca877c78a51b04d6d7f11764ff82d", "sha256: 9d86442c432d6da54c716609b1c230efe0871400522952b997598ce78b904072");
        await e2e.ApplyAsync(manifest);

        // Then ModelVerified is False with the checksum reason (the canary's pods never become ready)
        var verified = await e2e.WaitForAsync("ModelVerified=False", md => md.Status?.Conditions?.Any(c => c.Type == Conditions.ModelVerified && c.Status == "False") == true);
        Assert.Contains(verified.Status!.Conditions!, c => c.Type == Conditions.ModelVerified && c.Reason == Reasons.ChecksumMismatch);

        // And the canary is rolled back at once, and every answer the traffic got came from version 1
        var md = await e2e.WaitForPhaseAsync(Phases.RolledBack);
        Assert.Equal(Reasons.ChecksumMismatch, md.Status!.LastDecision!.Reason);
        using var http = new HttpClient();
        Assert.Equal(0, traffic.Failed);
        Assert.Equal(["1"], traffic.AnsweredByVersion.Keys);
        var answer = await http.PostAsync(new Uri(e2e.Sandbox.ServiceUrls["default/churn"], "v2/models/churn/infer"), new StringContent("""{"inputs":[{"name":"features","shape":[1,8],"datatype":"FP32","data":[35,28.72,5,1,5,14,0,4]}]}"""));
        Assert.Contains("\"model_version\":\"1\"", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        e2e.AssertTheOperatorCalledOnlyWhatTheChartGrants();
    }

    [Fact]
    public async Task Promote_undo_and_abort_with_plain_kubectl()
    {
        await using var e2e = await E2eSandbox.StartAsync();
        const string paused = "    - setWeight: 50\n    - pause: {}\n";
        await e2e.ApplyAsync(e2e.Manifest(1, E2eSandbox.Steps(paused)));
        await e2e.WaitForPhaseAsync(Phases.Healthy);

        // Given version 2 waiting at a pause step, When a person promotes it with kubectl, Then it becomes stable
        await e2e.ApplyAsync(e2e.Manifest(2, E2eSandbox.Steps(paused)));
        await e2e.WaitForAsync("the pause step", md => md.Status?.Phase == Phases.Paused && md.Status.CurrentStepIndex == 1);
        (await e2e.Kubectl.RunAsync("annotate", "md", "churn", $"{Annotations.Action}=promote")).EnsureSuccess();
        var promoted = await e2e.WaitForAsync("version 2 promoted", md => md.Status?.StableRevision?.ModelVersion == "2" && md.Status.CanaryRevision is null);
        Assert.Equal("ManualPromote", promoted.Status!.LastDecision!.Reason);
        Assert.Null(promoted.Metadata.Annotations?.GetValueOrDefault(Annotations.Action)); // handled once, then removed

        // When they undo to revision 1, Then version 1 is stable again and version 2 is held back
        (await e2e.Kubectl.RunAsync("annotate", "md", "churn", $"{Annotations.Action}=undo", $"{Annotations.UndoRevision}=1")).EnsureSuccess();
        var undone = await e2e.WaitForAsync("undo to version 1", md => md.Status?.StableRevision?.ModelVersion == "1" && md.Status.Phase == Phases.RolledBack);
        Assert.Equal(Reasons.Undo, undone.Status!.LastDecision!.Reason);

        // Given version 3 waiting at its pause, When they abort it, Then it is rolled back and quarantined
        await e2e.ApplyAsync(e2e.Manifest(3, E2eSandbox.Steps(paused)));
        await e2e.WaitForAsync("version 3 at the pause step", md => md.Status?.CanaryRevision?.ModelVersion == "3" && md.Status.Phase == Phases.Paused);
        (await e2e.Kubectl.RunAsync("annotate", "md", "churn", $"{Annotations.Action}=abort")).EnsureSuccess();
        var aborted = await e2e.WaitForPhaseAsync(Phases.RolledBack);
        Assert.Equal("1", aborted.Status!.StableRevision!.ModelVersion);
        Assert.Contains(aborted.Status.QuarantinedRevisions!, q => q.ModelVersion == "3");
        Assert.Equal("Rollback", aborted.Status.LastDecision!.Action);
        e2e.AssertTheOperatorCalledOnlyWhatTheChartGrants();
    }

    [Fact]
    public async Task The_operator_killed_mid_rollout_resumes_from_status()
    {
        await using var e2e = await E2eSandbox.StartAsync();
        const string timed = "    - setWeight: 50\n    - pause:\n        duration: 20s\n";
        await e2e.ApplyAsync(e2e.Manifest(1, E2eSandbox.Steps(timed)));
        await e2e.WaitForPhaseAsync(Phases.Healthy);
        await e2e.ApplyAsync(e2e.Manifest(2, E2eSandbox.Steps(timed)));
        var pausing = await e2e.WaitForAsync("the timed pause", md => md.Status?.CurrentStepIndex == 1 && md.Status.CanaryRevision?.ModelVersion == "2");
        var canary = pausing.Status!.CanaryRevision!.Name!;

        // events are recorded in the background: let step 1's land before the kill
        await e2e.WaitForEventAsync("step 1 complete", e => e.Message?.StartsWith("step 1 of 2", StringComparison.Ordinal) == true);

        // When the only operator is killed (SIGKILL) mid-pause and a new one starts
        e2e.Sandbox.Operators[0].Process.Kill();
        await e2e.Sandbox.StartOperatorAsync();

        // Then the new one (after the dead leader's lease runs out) finishes the same rollout: same canary, promoted
        var done = await e2e.WaitForAsync("version 2 promoted by the new operator", md => md.Status?.StableRevision?.ModelVersion == "2" && md.Status.CanaryRevision is null, failIf: RolledBack);
        Assert.Equal(canary, done.Status!.StableRevision!.Name);
        Assert.Single(await e2e.DeploymentsAsync(), d => d.Metadata.Labels?.GetValueOrDefault(Labels.Revision) == canary);

        // And it went on from the step the dead one had reached: step 1 was completed once, by the first operator
        var events = await e2e.WaitForEventAsync("step 2 complete", e => e.Message?.StartsWith("step 2 of 2 (pause", StringComparison.Ordinal) == true);
        Assert.Equal(1, events.Where(e => e.Message?.StartsWith("step 1 of 2 (setWeight 50) complete", StringComparison.Ordinal) == true).Sum(e => e.Count ?? 1));
        Assert.DoesNotContain(events, e => e.Message?.Contains("starts its steps over", StringComparison.Ordinal) == true);
        e2e.AssertTheOperatorCalledOnlyWhatTheChartGrants();
    }

    [Fact]
    public async Task A_standby_operator_takes_over_when_the_leader_dies()
    {
        await using var e2e = await E2eSandbox.StartAsync(operators: 2);
        await e2e.ApplyAsync(e2e.Manifest(1, E2eSandbox.Steps("    - setWeight: 50\n    - pause: {}\n")));
        await e2e.WaitForPhaseAsync(Phases.Healthy);
        var lease = await e2e.Sandbox.Client.Resource<ModelOperator.Kubernetes.Models.Lease>().GetAsync(new ModelOperator.Kubernetes.Models.ObjectKey("modeloperator-system", "modeloperator-leader"));
        var holder = lease.Spec!.HolderIdentity!;
        var leader = e2e.Sandbox.Operators.Single(o => holder.StartsWith(o.Name + "_", StringComparison.Ordinal));

        // When the leader dies
        leader.Process.Kill();

        // Then the other replica takes the lease and reconciles: version 2 starts its canary under the new leader
        await e2e.ApplyAsync(e2e.Manifest(2, E2eSandbox.Steps("    - setWeight: 50\n    - pause: {}\n")));
        await e2e.WaitForAsync("version 2's canary under the new leader", md => md.Status?.CanaryRevision?.ModelVersion == "2" && md.Status.Phase == Phases.Paused, TimeSpan.FromMinutes(2));
        var taken = await e2e.Sandbox.Client.Resource<ModelOperator.Kubernetes.Models.Lease>().GetAsync(new ModelOperator.Kubernetes.Models.ObjectKey("modeloperator-system", "modeloperator-leader"));
        var standby = e2e.Sandbox.Operators.Single(o => o != leader);
        Assert.StartsWith(standby.Name + "_", taken.Spec!.HolderIdentity, StringComparison.Ordinal);
        Assert.True(taken.Spec.LeaseTransitions > lease.Spec.LeaseTransitions, string.Create(CultureInfo.InvariantCulture, $"transitions {lease.Spec.LeaseTransitions} → {taken.Spec.LeaseTransitions}"));
        e2e.AssertTheOperatorCalledOnlyWhatTheChartGrants();
    }

    // DriftCauses.PredictionSummary's words: "share of predictions above 0.75: stable 21.1 %, canary 74.9 %".
    [GeneratedRegex(@"^share of predictions above (?<cut>[0-9.]+): stable (?<stable>[0-9.]+) %, canary (?<canary>[0-9.]+) %$")]
    private static partial Regex PredictionShift();
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    public const string Name = "end-to-end";
}
