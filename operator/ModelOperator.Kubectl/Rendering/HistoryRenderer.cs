using System.Globalization;
using System.Text;
using ModelOperator.Api;

namespace ModelOperator.Kubectl.Rendering;

/// <summary>
/// <c>kubectl model history</c>: the promoted revisions from <c>status.revisionHistory</c>, oldest first, with the
/// numbers <c>undo --to-revision</c> takes; then the revisions that never became stable (rolled back and quarantined)
/// and the canary running now, which have no number. Pure.
/// </summary>
internal static class HistoryRenderer
{
    public static string Render(ModelDeployment md, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(md);
        var status = md.Status;
        var history = status?.RevisionHistory ?? [];
        var quarantined = status?.QuarantinedRevisions ?? [];
        var rows = new List<IReadOnlyList<string>> { new[] { "REVISION", "NAME", "MODEL VERSION", "PROMOTED", "OUTCOME" } };
        for (var i = 0; i < history.Count; i++)
        {
            var entry = history[i];
            var when = entry.PromotedAt is { } t ? $"{Age.Timestamp(t)} ({Age.Relative(t, now)})" : "-";
            rows.Add([entry.Revision?.ToString(CultureInfo.InvariantCulture) ?? "?", entry.Name ?? "?", entry.ModelVersion ?? "?", when, Outcome(md, i)]);
        }

        foreach (var q in quarantined.Where(q => history.All(h => h.Name != q.Name)))
        {
            var when = q.Time is { } t ? $", {Age.Timestamp(t)} ({Age.Relative(t, now)})" : "";
            rows.Add(["-", q.Name ?? "?", q.ModelVersion ?? "?", "never", $"rolled back: {q.Reason ?? "no reason given"}{when}"]);
        }

        if (status?.CanaryRevision is { } canary)
        {
            var step = StepText.Position(md) is { } p ? $", step {p}" : "";
            rows.Add(["-", canary.Name ?? "?", canary.ModelVersion ?? "?", "not yet", $"canary at {status.CanaryWeight ?? 0}%{step}"]);
        }

        var text = new StringBuilder();
        if (rows.Count == 1)
        {
            return status is null
                ? $"No history yet: the operator has not reported on {md.Metadata.Name} (is it running?).{Environment.NewLine}"
                : $"No revision of {md.Metadata.Name} has been promoted yet.{Environment.NewLine}";
        }

        foreach (var line in Table.Lines(rows))
        {
            text.AppendLine(line);
        }

        return text.ToString();
    }

    private static string Outcome(ModelDeployment md, int index)
    {
        var status = md.Status!;
        var entry = status.RevisionHistory![index];
        var isLastOfItsName = status.RevisionHistory.Skip(index + 1).All(h => h.Name != entry.Name);
        if (isLastOfItsName && status.QuarantinedRevisions?.FirstOrDefault(q => q.Name == entry.Name) is { } q)
        {
            return $"rolled back: {q.Reason ?? "no reason given"}";
        }

        if (isLastOfItsName && entry.Name == status.StableRevision?.Name)
        {
            return status.BakeUntil is not null ? "stable (baking)" : "stable";
        }

        return "superseded";
    }
}
