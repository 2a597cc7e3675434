using System.Globalization;
using System.Text.Json.Nodes;
using ModelOperator.Api;
using ModelOperator.Kubectl.Cli;
using ModelOperator.Kubectl.Rendering;
using ModelOperator.Rollouts.Planning;

namespace ModelOperator.Kubectl.Actions;

/// <summary>
/// The edits behind promote, abort, retry, undo, pause and resume: exactly what a user would send with plain kubectl
/// (<c>kubectl annotate md NAME modeloperator.io/action=promote</c>, <c>kubectl patch md NAME --type=merge -p
/// '{"spec":{"paused":true}}'</c>), so that GitOps tools, kubectl and this plugin agree. Pure: it checks the request
/// against the object's status first, so that an action the operator would reject fails here at once with the reason.
/// </summary>
internal static class ActionRequests
{
    /// <summary>Argo Rollouts' plain promote: the current step is finished and the next one starts (the last one promotes).</summary>
    public static ActionRequest PromoteStep(ModelDeployment md)
    {
        var canary = RunningCanary(md, ManualActions.PromoteStep);
        var steps = RolloutSteps.Effective(md.Spec?.Rollout);
        var index = Math.Min(md.Status!.CurrentStepIndex ?? 0, steps.Count - 1);
        var outcome = index + 1 >= steps.Count
            ? $"the last step ({StepText.Describe(steps[index])}) is finished and canary {canary.Name} (model version {canary.ModelVersion}) becomes stable when the operator handles it"
            : $"step {index + 1} of {steps.Count} ({StepText.Describe(steps[index])}) of canary {canary.Name} is finished and step {index + 2} ({StepText.Describe(steps[index + 1])}) starts when the operator handles it";
        return Annotate(md, ManualActions.PromoteStep, undoRevision: null, outcome);
    }

    /// <summary>Argo Rollouts' promote --full: every remaining step is skipped.</summary>
    public static ActionRequest Promote(ModelDeployment md)
    {
        var canary = RunningCanary(md, ManualActions.Promote);
        return Annotate(md, ManualActions.Promote, undoRevision: null,
            $"canary {canary.Name} (model version {canary.ModelVersion}) becomes stable when the operator handles it");
    }

    public static ActionRequest Abort(ModelDeployment md)
    {
        var canary = RunningCanary(md, ManualActions.Abort);
        return Annotate(md, ManualActions.Abort, undoRevision: null,
            $"canary {canary.Name} (model version {canary.ModelVersion}) is rolled back and quarantined when the operator handles it");
    }

    public static ActionRequest Retry(ModelDeployment md)
    {
        var status = Observed(md, ManualActions.Retry);
        if (status.QuarantinedRevisions is not { Count: > 0 } quarantined)
        {
            throw new PluginException($"retry: no revision of {md.Metadata.Name} is quarantined; nothing to retry");
        }

        return Annotate(md, ManualActions.Retry, undoRevision: null,
            $"the quarantine of the spec's revision is lifted and a new canary starts (quarantined now: {string.Join(", ", quarantined.Select(q => q.Name))})");
    }

    /// <summary>
    /// <paramref name="toRevision"/> is a number from <c>status.revisionHistory</c>, as <c>kubectl rollout undo
    /// --to-revision</c> takes; without it the previous stable revision (the newest history entry that is not the
    /// stable one), which is also what the operator picks. The number is written either way, so the operator rolls back
    /// to the revision the user was shown even if the history moves meanwhile.
    /// </summary>
    public static ActionRequest Undo(ModelDeployment md, long? toRevision)
    {
        var status = Observed(md, ManualActions.Undo);
        var history = status.RevisionHistory ?? [];
        var stable = status.StableRevision?.Name;
        var available = history.Count == 0
            ? "none"
            : string.Join(", ", history.Select(h => h.Revision?.ToString(CultureInfo.InvariantCulture)));
        RevisionHistoryEntry target;
        if (toRevision is { } number)
        {
            target = history.LastOrDefault(h => h.Revision == number)
                ?? throw new PluginException($"undo: revision {number} is not in the history of {md.Metadata.Name}; available: {available} (see kubectl model history {md.Metadata.Name})");
            if (target.Name == stable)
            {
                throw new PluginException($"undo: revision {number} ({target.Name}, model version {target.ModelVersion}) is already stable");
            }
        }
        else
        {
            target = history.LastOrDefault(h => h.Name != stable)
                ?? throw new PluginException($"undo: {md.Metadata.Name} has no previous revision to go back to (history: {available})");
        }

        var revision = target.Revision!.Value.ToString(CultureInfo.InvariantCulture);
        return Annotate(md, ManualActions.Undo, revision,
            $"revision {revision} ({target.Name}, model version {target.ModelVersion}) becomes stable again when the operator handles it; " +
            $"the spec's revision stays quarantined until retry or a new spec");
    }

    public static ActionRequest Pause(ModelDeployment md) => SetPaused(md, true);

    public static ActionRequest Resume(ModelDeployment md)
    {
        var request = SetPaused(md, false);
        if (request.Patch is null && md.Status?.Phase == Phases.Paused)
        {
            // Not paused by spec.paused, yet waiting: a pause step without duration or an inconclusive analysis.
            return request with
            {
                Report = request.Report + Environment.NewLine +
                    $"It waits for another reason (see kubectl model status {md.Metadata.Name}); kubectl model promote {md.Metadata.Name} finishes that step (--full skips every remaining one).",
            };
        }

        return request;
    }

    /// <summary>The <c>modeldeployment.modeloperator.io/NAME</c> prefix kubectl uses for what it changed.</summary>
    public static string Resource(ModelDeployment md) => $"{ModelDeployment.Singular}.{ModelDeployment.Group}/{md.Metadata.Name}";

    private static ActionRequest SetPaused(ModelDeployment md, bool paused)
    {
        var value = paused ? "true" : "false";
        if ((md.Spec?.Paused == true) == paused)
        {
            return new ActionRequest(null, $"{Resource(md)}: {(paused ? "already paused" : "not paused")} (spec.paused is {value}); nothing changed");
        }

        var patch = new JsonObject { ["spec"] = new JsonObject { ["paused"] = paused } };
        return new ActionRequest(patch, $"{Resource(md)}: {(paused ? "paused" : "resumed")} (spec.paused={value})");
    }

    private static ActionRequest Annotate(ModelDeployment md, string action, string? undoRevision, string outcome)
    {
        // Writing the undo revision as null for other actions removes a stale one, so it cannot leak into a later undo.
        var annotations = new JsonObject { [Annotations.Action] = action, [Annotations.UndoRevision] = undoRevision };
        var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = annotations } };
        var written = undoRevision is null
            ? $"annotation {Annotations.Action}={action}"
            : $"annotations {Annotations.Action}={action}, {Annotations.UndoRevision}={undoRevision}";
        var replaced = md.Metadata.Annotations?.TryGetValue(Annotations.Action, out var pending) == true && pending != action
            ? $"; it replaces the pending action '{pending}'"
            : "";
        var verb = action == ManualActions.Undo ? $"undo to revision {undoRevision}" : action;
        return new ActionRequest(patch, $"{Resource(md)}: {verb} requested ({written}){replaced}{Environment.NewLine}{Capitalize(outcome)}.");
    }

    private static RevisionRef RunningCanary(ModelDeployment md, string action)
    {
        var status = Observed(md, action);
        return status.CanaryRevision
            ?? throw new PluginException($"{action}: no canary is running for {md.Metadata.Name} (stable is {status.StableRevision?.Name ?? "none"}, phase {status.Phase ?? "unknown"})");
    }

    private static ModelDeploymentStatus Observed(ModelDeployment md, string action) =>
        md.Status ?? throw new PluginException($"{action}: {md.Metadata.Name} has no status yet; the operator has not reported on it (is it running?)");

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
