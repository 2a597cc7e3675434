using System.Globalization;
using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Rollouts.Planning;

namespace ModelOperator.Kubectl.Rendering;

/// <summary>
/// <c>kubectl model status</c>: a ModelDeployment as a person wants to read it, from what the object says and nothing
/// else (pure: the same object and time give the same text). Times are shown relative to <c>now</c>.
/// </summary>
internal static class StatusRenderer
{
    public static string Render(ModelDeployment md, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(md);
        var name = md.Metadata.Name ?? "";
        var text = new Describer()
            .Line("Name", name)
            .Line("Namespace", md.Metadata.Namespace ?? "default")
            .Line("Model", ModelLine(md));
        var status = md.Status;
        if (status is null)
        {
            text.Line("Phase", "unknown: no status yet (the operator has not reported on this ModelDeployment; is it running?)");
            AddPendingAction(text, md);
            if (md.Spec?.Paused == true)
            {
                text.Line("Paused", "yes, by spec.paused");
            }

            return text.ToString();
        }

        text.Line("Phase", status.Phase ?? "unknown");
        if (status.ObservedGeneration is { } observed && md.Metadata.Generation is { } generation && observed < generation)
        {
            text.Line("Observed", Invariant($"generation {observed} of {generation}: the operator has not acted on the latest spec yet"));
        }

        AddPendingAction(text, md);
        AddRevisions(text, md, now);
        if (status.CanaryRevision is not null && StepText.Position(md) is { } position)
        {
            var started = status.Progress?.StepStartTime is { } start ? $", started {Age.Relative(start, now)}" : "";
            text.Line("Step", position + started);
        }

        if (ShadowText.Progress(md) is { } shadow)
        {
            text.Line("Shadow", shadow);
        }

        AddPaused(text, md, now);
        AddBake(text, md, now);
        AddReplicas(text, status);
        AddDecision(text, status.LastDecision, now);
        AddQuarantine(text, md, now);
        AddConditions(text, status.Conditions);
        return text.ToString();
    }

    private static string ModelLine(ModelDeployment md)
    {
        var model = md.Spec?.Model;
        var line = model is null ? "(none in spec)" : $"{model.Name} version {model.Version}";
        return md.Metadata.Generation is { } g ? line + Invariant($" (spec generation {g})") : line;
    }

    private static void AddPendingAction(Describer text, ModelDeployment md)
    {
        var annotations = md.Metadata.Annotations;
        if (annotations is null || !annotations.TryGetValue(Annotations.Action, out var action))
        {
            return;
        }

        var revision = annotations.TryGetValue(Annotations.UndoRevision, out var r) ? $" to revision {r}" : "";
        text.Line("Pending action", $"{action}{revision} ({Annotations.Action}; the operator has not handled it yet)");
    }

    private static void AddRevisions(Describer text, ModelDeployment md, DateTimeOffset now)
    {
        var status = md.Status!;
        var canaryWeight = status.CanaryRevision is null ? 0 : status.CanaryWeight ?? 0;
        var rows = new List<IReadOnlyList<string>>();
        if (status.StableRevision is { } stable)
        {
            rows.Add(["stable", stable.Name ?? "?", $"model version {stable.ModelVersion ?? "?"}", Invariant($"{100 - canaryWeight}%")]);
        }

        if (status.CanaryRevision is { } canary)
        {
            rows.Add(["canary", canary.Name ?? "?", $"model version {canary.ModelVersion ?? "?"}", Invariant($"{canaryWeight}%")]);
        }

        if (Previous(md, now) is { } previous)
        {
            rows.Add(["previous", previous.Name ?? "?", $"model version {previous.ModelVersion ?? "?"}", "0% (kept ready while the stable bakes)"]);
        }

        if (rows.Count == 0)
        {
            text.Line("Revisions", "none serving yet");
            return;
        }

        text.Line("Revisions", "");
        foreach (var line in Table.Lines(rows))
        {
            text.Indented(line);
        }
    }

    /// <summary>During the bake window the operator keeps the revision promoted before the stable one ready to fall back to.</summary>
    private static RevisionHistoryEntry? Previous(ModelDeployment md, DateTimeOffset now)
    {
        var status = md.Status!;
        if (status.BakeUntil is not { } until || until <= now)
        {
            return null;
        }

        return status.RevisionHistory?.LastOrDefault(h => h.Name != status.StableRevision?.Name);
    }

    private static void AddPaused(Describer text, ModelDeployment md, DateTimeOffset now)
    {
        var status = md.Status!;
        var name = md.Metadata.Name;
        var since = (status.Progress?.ManualPauseStartTime ?? status.PauseStartTime) is { } start ? $" since {Age.Relative(start, now)}" : "";
        if (md.Spec?.Paused == true)
        {
            text.Line("Paused", $"yes, by spec.paused{since} (continue with: kubectl model resume {name})");
            return;
        }

        if (status.Phase != Phases.Paused)
        {
            text.Line("Paused", "no");
            return;
        }

        var steps = RolloutSteps.Effective(md.Spec?.Rollout);
        var step = status.CurrentStepIndex is { } i && i < steps.Count ? steps[i] : null;
        var condition = status.Conditions?.FirstOrDefault(c => c.Type == Conditions.Progressing);
        var progressing = condition?.Message;
        var why = step switch
        {
            // A confirm webhook holds the next point while the step before it stays complete: name the webhook, not the step.
            _ when condition?.Reason == Reasons.WaitingForConfirmation => $"waiting for confirmation: {progressing} (or go on by hand with: kubectl model promote {name})",
            { Pause.Duration: null or "" } => $"at a pause step without duration (go on with: kubectl model promote {name})",
            { Pause: not null } => "at a timed pause step",

            // Otherwise the operator's own account of the wait is the best one there is.
            _ when progressing is { Length: > 0 } => progressing,
            { Analysis: not null } when status.Progress?.LastAnalysisInconclusive == true => "the analysis is inconclusive (too few samples or no data)",
            _ => "by the rollout (see the last decision)",
        };
        var sinceStep = status.PauseStartTime is { } pauseStart ? $" since {Age.Relative(pauseStart, now)}" : "";
        text.Line("Paused", $"yes, {why}{sinceStep}");
    }

    private static void AddBake(Describer text, ModelDeployment md, DateTimeOffset now)
    {
        if (md.Status!.BakeUntil is not { } until)
        {
            if (md.Status.LastDecision?.Reason == Reasons.BakeInconclusive)
            {
                text.Line("Bake", $"ended without evidence ({Reasons.BakeInconclusive}): no analysis run passed while it baked; check that it gets traffic, or undo (kubectl model undo {md.Metadata.Name})");
            }

            return;
        }

        var stable = md.Status.StableRevision?.Name ?? "the stable revision";
        text.Line("Bake", until > now
            ? $"{stable} under guard until {Age.Timestamp(until)} ({Age.Format(until - now)} left); a failed analysis rolls back"
            : $"ended {Age.Relative(until, now)} ({Age.Timestamp(until)})");
    }

    private static void AddReplicas(Describer text, ModelDeploymentStatus status)
    {
        if (status.Replicas is null && status.ReadyReplicas is null)
        {
            return;
        }

        var line = Invariant($"{status.Replicas ?? 0} stable, {status.ReadyReplicas ?? 0} ready in all");
        if (status.RecommendedReplicas is { Count: > 0 } recommended)
        {
            line += "; recommended: " + string.Join(", ", recommended.Select(r => Invariant($"{r.Revision} {r.Replicas}")));
        }

        text.Line("Replicas", line);
    }

    private static void AddDecision(Describer text, RolloutDecision? decision, DateTimeOffset now)
    {
        if (decision is null)
        {
            text.Line("Last decision", "none yet");
            return;
        }

        var lines = new List<string>
        {
            (decision.Action ?? "?") + (decision.Reason is { } reason && reason != decision.Action ? $" ({reason})" : "") + (decision.Time is { } t ? $", {Age.Relative(t, now)}" : ""),
        };
        if (Evidence.Describe(decision) is { } evidence)
        {
            lines.Add("evidence: " + evidence);
        }

        if (decision.Message is { Length: > 0 } message)
        {
            lines.Add(message);
        }

        lines.AddRange(Evidence.Causes(decision));
        text.Line("Last decision", string.Join('\n', lines));
    }

    private static void AddQuarantine(Describer text, ModelDeployment md, DateTimeOffset now)
    {
        if (md.Status!.QuarantinedRevisions is not { Count: > 0 } quarantined)
        {
            return;
        }

        var lines = quarantined.Select(q =>
            $"{q.Name} (model version {q.ModelVersion ?? "?"}): {q.Reason ?? "no reason given"}" + (q.Time is { } t ? $", {Age.Relative(t, now)}" : "")).ToList();
        lines.Add($"(not rolled out again until: kubectl model retry {md.Metadata.Name}, or a new spec)");
        text.Line("Quarantined", string.Join('\n', lines));
    }

    private static void AddConditions(Describer text, IReadOnlyList<Condition>? conditions)
    {
        if (conditions is not { Count: > 0 })
        {
            return;
        }

        text.Line("Conditions", "");
        var rows = new List<IReadOnlyList<string>> { new[] { "TYPE", "STATUS", "REASON", "MESSAGE" } };
        rows.AddRange(conditions.Select(c => (IReadOnlyList<string>)[c.Type, c.Status, c.Reason ?? "", c.Message ?? ""]));
        foreach (var line in Table.Lines(rows))
        {
            text.Indented(line);
        }
    }

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
