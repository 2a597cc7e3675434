using System.Globalization;
using System.Text;
using ModelOperator.Api;

namespace ModelOperator.SandboxHost.Demo;

/// <summary>
/// Tells a rollout's story from a ModelDeployment's status (pure): a line when the picture changes (phase, step,
/// weight, revisions, ready replicas), a line for each new decision, with its numbers, and for a decision of a shadow
/// step a plain-words line of what the copies showed (<see cref="ShadowStory"/>). Everything printed comes from the
/// object as the API server holds it, so what the demo prints is what <c>kubectl get md -o yaml</c> shows.
/// </summary>
public static class RolloutNarrator
{
    /// <summary>The lines that describe how <paramref name="now"/> differs from <paramref name="before"/> (null: first sight).</summary>
    public static IReadOnlyList<string> Describe(ModelDeployment? before, ModelDeployment now)
    {
        ArgumentNullException.ThrowIfNull(now);
        var lines = new List<string>();
        var picture = Picture(now);
        if (before is null || Picture(before) != picture)
        {
            lines.Add(picture);
        }

        var decision = now.Status?.LastDecision;
        if (decision?.Time is not null && decision.Time != before?.Status?.LastDecision?.Time)
        {
            lines.Add(Decision(decision));
            if (ShadowStory.Describe(before, now) is { } shadow)
            {
                lines.Add(shadow);
            }
        }

        return lines;
    }

    /// <summary>One line: phase, step, canary and stable revisions with weight, ready pods (both revisions).</summary>
    public static string Picture(ModelDeployment md)
    {
        ArgumentNullException.ThrowIfNull(md);
        var status = md.Status;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{md.Metadata.Name}: {status?.Phase ?? "(no status yet)"}");
        if (status is null)
        {
            return text.ToString();
        }

        var steps = md.Spec?.Rollout?.Steps ?? [];
        if (status.CanaryRevision is { } canary)
        {
            if (status.CurrentStepIndex is { } i && i < steps.Count)
            {
                text.Append(CultureInfo.InvariantCulture, $", step {i + 1}/{steps.Count} ({Step(steps[i])})");
            }

            text.Append(CultureInfo.InvariantCulture, $", canary {Revision(canary)} at {status.CanaryWeight ?? 0}%");
        }

        if (status.StableRevision is { } stable)
        {
            text.Append(CultureInfo.InvariantCulture, $", stable {Revision(stable)}");
        }

        text.Append(CultureInfo.InvariantCulture, $", {status.ReadyReplicas ?? 0} pods ready");
        return text.ToString();
    }

    /// <summary>One line for a decision: action, reason, the measured value against its threshold, window and samples, and the message.</summary>
    public static string Decision(RolloutDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var text = new StringBuilder("  decision ");
        text.Append(decision.Action ?? "?");
        if (!string.IsNullOrEmpty(decision.Reason))
        {
            text.Append(CultureInfo.InvariantCulture, $" ({decision.Reason})");
        }

        if (!string.IsNullOrEmpty(decision.Metric))
        {
            text.Append(CultureInfo.InvariantCulture, $": {decision.Metric}");
            if (decision.ObservedValue is { } value)
            {
                text.Append(CultureInfo.InvariantCulture, $" = {Number(value)}");
            }

            if (decision.Threshold is { } threshold)
            {
                text.Append(CultureInfo.InvariantCulture, $", threshold {Number(threshold)}");
            }

            if (decision.Window is { } window)
            {
                text.Append(CultureInfo.InvariantCulture, $", window {window}");
            }

            if (decision.Samples is { } samples)
            {
                text.Append(CultureInfo.InvariantCulture, $", {samples} samples");
            }
        }

        if (!string.IsNullOrEmpty(decision.Message))
        {
            text.Append(CultureInfo.InvariantCulture, $" — {decision.Message}");
        }

        return text.ToString();
    }

    private static string Revision(RevisionRef revision) =>
        string.IsNullOrEmpty(revision.ModelVersion) ? revision.Name ?? "?" : $"{revision.Name} (v{revision.ModelVersion})";

    private static string Step(RolloutStep step) =>
        step.SetWeight is { } w ? string.Create(CultureInfo.InvariantCulture, $"setWeight {w}")
        : step.Pause is { } p ? (p.Duration is { } d ? $"pause {d}" : "pause until resumed")
        : step.Analysis is not null ? "analysis"
        : step.Shadow is { } s ? string.Create(CultureInfo.InvariantCulture, $"shadow {s.Percent}% for {s.Duration}")
        : "?";

    private static string Number(double value) =>
        double.IsNaN(value) ? "NaN" : value.ToString(Math.Abs(value) >= 100 ? "0" : "0.####", CultureInfo.InvariantCulture);
}
