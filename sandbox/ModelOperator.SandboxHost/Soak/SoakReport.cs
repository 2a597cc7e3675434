using System.Globalization;
using System.Text;

namespace ModelOperator.SandboxHost.Soak;

/// <summary>
/// What a soak did and found, rendered as the Markdown that <c>make soak</c> prints and writes into docs/reliability.md
/// between <see cref="BeginMarker"/> and <see cref="EndMarker"/> (a rerun replaces it).
/// </summary>
public sealed record SoakReport
{
    public const string BeginMarker = "<!-- soak-report:begin (written by make soak; a rerun replaces it) -->";
    public const string EndMarker = "<!-- soak-report:end -->";

    public required int Seed { get; init; }

    public required TimeSpan Requested { get; init; }

    public required DateTimeOffset Started { get; init; }

    public required DateTimeOffset Ended { get; init; }

    /// <summary>The 1-minute load average at the start and at the end (/proc/loadavg), and the cores.</summary>
    public required string Load { get; init; }

    public required IReadOnlyDictionary<FaultKind, int> Faults { get; init; }

    public IReadOnlyDictionary<string, int> FaultsSkipped { get; init; } = new Dictionary<string, int>();

    public required IReadOnlyList<RoundRecord> Rounds { get; init; }

    public required long RequestsSent { get; init; }

    public required long RequestsAnswered { get; init; }

    public required IReadOnlyDictionary<string, long> FailedByReason { get; init; }

    public required IReadOnlyDictionary<string, long> AnsweredByVersion { get; init; }

    public required int MetadataAnswers { get; init; }

    public required IReadOnlyList<InvariantResult> Invariants { get; init; }

    public required IReadOnlyList<RssSample> Rss { get; init; }

    public required long RssGrowthBound { get; init; }

    public required TimeSpan RssWarmup { get; init; }

    public bool Passed => Invariants.All(i => i.Held);

    /// <summary>The report as Markdown (pure).</summary>
    public string Render()
    {
        var t = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        t.AppendLine(c, $"Last run: {Started.UtcDateTime:yyyy-MM-dd HH:mm} UTC, seed **{Seed}** (`make soak SOAK_SEED={Seed}` replays the fault sequence), {Minutes(Ended - Started)} (asked: {Minutes(Requested)} of faults), load {Load}. Result: **{(Passed ? "every invariant held" : "INVARIANTS VIOLATED")}**.");
        t.AppendLine();
        t.AppendLine("| fault | injected |");
        t.AppendLine("|---|---:|");
        foreach (var kind in Enum.GetValues<FaultKind>())
        {
            t.AppendLine(c, $"| {kind} | {Faults.GetValueOrDefault(kind)} |");
        }

        t.AppendLine(c, $"| **total** | **{Faults.Values.Sum()}** |");
        if (FaultsSkipped.Count > 0)
        {
            t.AppendLine();
            t.AppendLine("Skipped (nothing to inject into at that moment): " + string.Join(", ", FaultsSkipped.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} × {s.Value}")) + ".");
        }

        t.AppendLine();
        var good = Rounds.Where(r => !r.Bad).ToList();
        var bad = Rounds.Where(r => r.Bad).ToList();
        t.AppendLine(c, $"Rollouts: {Rounds.Count} started (the first is the initial version), {Rounds.Count(r => r.Outcome == RoundOutcome.Promoted)} promoted, {Rounds.Count(r => r.Outcome == RoundOutcome.RolledBack)} rolled back, {Rounds.Count(r => r.Outcome == RoundOutcome.Unfinished)} unfinished. Good versions: {good.Count} ({good.Count(r => r.Outcome == RoundOutcome.Promoted)} promoted, {good.Count(r => r.Outcome == RoundOutcome.RolledBack)} rolled back by the faults). Bad versions: {bad.Count} ({bad.Count(r => r.Outcome == RoundOutcome.RolledBack)} rolled back).");
        t.AppendLine();
        t.AppendLine("| round | version | revision | outcome | reason | took |");
        t.AppendLine("|---:|---|---|---|---|---:|");
        foreach (var r in Rounds)
        {
            t.AppendLine(c, $"| {r.Round} | {r.Version} ({(r.Bad ? "bad" : "good")}) | {r.Revision ?? "-"} | {r.Outcome} | {Cell(r.Reason)} | {(r.Ended - r.Started).TotalSeconds:0} s |");
        }

        t.AppendLine();
        var failed = FailedByReason.Values.Sum();
        t.AppendLine(c, $"Requests through the Service proxy: {RequestsSent} sent, {RequestsAnswered} answered (200), {failed} failed ({Percent(failed, RequestsSent)}): {(failed == 0 ? "none" : string.Join(", ", FailedByReason.OrderByDescending(f => f.Value).Select(f => string.Create(c, $"{f.Key} {f.Value}"))))}. Answered by model version: {string.Join(", ", AnsweredByVersion.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => string.Create(c, $"v{v.Key} {v.Value}")))}. Metadata answers checked for their sha256: {MetadataAnswers}.");
        t.AppendLine();
        t.AppendLine("| invariant | checked | held |");
        t.AppendLine("|---|---:|---|");
        foreach (var i in Invariants)
        {
            t.AppendLine(c, $"| {i.Name} | {i.Checked} | {(i.Held ? "yes" : $"**no** ({i.Violations.Count})")} |");
        }

        var violated = Invariants.Where(i => !i.Held).ToList();
        foreach (var i in violated)
        {
            t.AppendLine();
            t.AppendLine(c, $"Evidence, {i.Name}:");
            t.AppendLine();
            foreach (var line in i.Violations.Take(20))
            {
                t.AppendLine(c, $"- {line}");
            }

            if (i.Violations.Count > 20)
            {
                t.AppendLine(c, $"- … and {i.Violations.Count - 20} more");
            }
        }

        t.AppendLine();
        if (Rss.Count > 0)
        {
            var ordered = Rss.OrderBy(s => s.Time).ToList();
            var processes = Rss.Select(s => s.Pid).Distinct().Count();
            t.AppendLine(c, $"Operator RSS (VmRSS, {processes} operator process{(processes == 1 ? "" : "es")} over the run): start {SoakInvariants.Mib(ordered[0].Bytes)}, peak {SoakInvariants.Mib(ordered.Max(s => s.Bytes))}, end {SoakInvariants.Mib(ordered[^1].Bytes)}. Bound: no process grows more than {SoakInvariants.Mib(RssGrowthBound)} over its RSS {RssWarmup.TotalSeconds:0} s after start; largest growth seen: {SoakInvariants.Mib(LargestGrowth())}.");
        }

        return t.ToString();
    }

    private long LargestGrowth() => Rss
        .GroupBy(s => (s.Pid, s.Started))
        .Select(g =>
        {
            var after = g.OrderBy(s => s.Time).SkipWhile(s => s.Time < s.Started + RssWarmup).ToList();
            return after.Count == 0 ? 0 : after.Max(s => s.Bytes) - after[0].Bytes;
        })
        .DefaultIfEmpty(0)
        .Max();

    /// <summary><paramref name="document"/> with the text between the markers replaced by <paramref name="report"/>;
    /// the markers and the report are appended when the document has none (pure).</summary>
    public static string ReplaceBetweenMarkers(string document, string report)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(report);
        var block = $"{BeginMarker}\n{report.TrimEnd('\n')}\n{EndMarker}";
        var begin = document.IndexOf(BeginMarker, StringComparison.Ordinal);
        var end = begin < 0 ? -1 : document.IndexOf(EndMarker, begin, StringComparison.Ordinal);
        if (begin < 0 || end < 0)
        {
            return document.TrimEnd('\n') + (document.Length == 0 ? "" : "\n\n") + block + "\n";
        }

        return string.Concat(document.AsSpan(0, begin), block, document.AsSpan(end + EndMarker.Length));
    }

    private static string Minutes(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalMinutes} min {t.Seconds} s");

    private static string Percent(long part, long whole) => whole == 0 ? "0 %" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * part / whole:0.##} %");

    private static string Cell(string? text) => string.IsNullOrEmpty(text) ? "-" : text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
