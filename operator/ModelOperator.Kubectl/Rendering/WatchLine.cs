using System.Text;
using ModelOperator.Api;

namespace ModelOperator.Kubectl.Rendering;

/// <summary>
/// One line of <c>kubectl model watch</c>: phase, step, canary weight and the last decision. Pure; the watch prints
/// a line only when this text changes, so status writes that move nothing a person watches (e.g. replica counts,
/// analysis bookkeeping) stay quiet. Control characters in it, line breaks included, are shown escaped.
/// </summary>
internal static class WatchLine
{
    public static string Render(ModelDeployment md)
    {
        ArgumentNullException.ThrowIfNull(md);
        var status = md.Status;
        if (status is null)
        {
            return "no status yet";
        }

        var text = new StringBuilder(status.Phase ?? "unknown");
        if (md.Spec?.Paused == true)
        {
            text.Append(" (spec.paused)");
        }

        if (status.CanaryRevision is { } canary)
        {
            text.Append("  canary ").Append(canary.Name).Append(" (model version ").Append(canary.ModelVersion ?? "?").Append(") at ")
                .Append(status.CanaryWeight ?? 0).Append('%');
            if (StepText.Position(md) is { } step)
            {
                text.Append("  step ").Append(step);
            }
        }
        else if (status.StableRevision is { } stable)
        {
            text.Append("  stable ").Append(stable.Name).Append(" (model version ").Append(stable.ModelVersion ?? "?").Append(')');
        }

        if (status.LastDecision is { } decision)
        {
            text.Append("  last: ").Append(decision.Action ?? "?");
            if (decision.Reason is { } reason)
            {
                text.Append(" (").Append(reason).Append(')');
            }

            if (Evidence.Describe(decision) is { } evidence)
            {
                text.Append(' ').Append(evidence);
            }

            if (decision.Message is { Length: > 0 } message)
            {
                text.Append(": ").Append(message);
            }
        }

        // One line per change: a line break in a message must not start what looks like another one.
        return TerminalText.Escape(text.ToString());
    }
}
