using System.Globalization;
using ModelOperator.Api;

namespace ModelOperator.SandboxHost.Soak;

/// <summary>
/// The invariants a soak must keep, as pure functions over what it observed (<see cref="SoakHistory"/>). Each returns
/// the evidence of every violation; an empty list means it held. They run during the soak on the history so far and
/// once at the end on all of it.
/// </summary>
public static class SoakInvariants
{
    public const string NoDuplicateChildren = "no duplicate children";
    public const string NoFailedRevisionPromoted = "no revision promoted that failed its analysis";
    public const string EveryBadVersionRolledBack = "every bad version rolled back";
    public const string DecisionsHaveEvents = "every lastDecision has its Event";
    public const string AnswersFromServingRevisions = "every answer from a revision the status names";
    public const string AnswersWithTheRightChecksum = "every model answering with the sha256 of its version";
    public const string OperatorMemoryBounded = "operator RSS growth bounded";

    /// <summary>How far around a request the status may be looked up: the proxy follows the Service's endpoints through
    /// a watch, and under faults (API server away, dropped watches) it learns of a change seconds late, as kube-proxy would.</summary>
    public static readonly TimeSpan ServingSlackBefore = TimeSpan.FromSeconds(30);

    /// <summary>A canary's pods can answer just before the status write that names it lands (apply, then status).</summary>
    public static readonly TimeSpan ServingSlackAfter = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long after a decision's status write its Event may still be on its way: written right after, but retried on
    /// 429 (up to 5 times, Retry-After 1 or 2 s) while the API server throttles.
    /// </summary>
    public static readonly TimeSpan EventInFlight = TimeSpan.FromSeconds(15);

    /// <summary>Every invariant, in the order the report lists them.</summary>
    public static IReadOnlyList<InvariantResult> CheckAll(SoakHistory history, TimeSpan rssWarmup, long rssGrowthBound)
    {
        ArgumentNullException.ThrowIfNull(history);
        return
        [
            CheckChildren(history.Children),
            CheckNoFailedPromotion(history.Statuses, history.BadVersions),
            CheckBadVersionsRolledBack(history.Rounds),
            CheckDecisionEvents(history.Statuses, history.Events, history.OperatorKills),
            CheckServedVersions(history.Answers, history.Statuses),
            CheckChecksums(history.Metadata, history.Sha256ByVersion),
            CheckRss(history.Rss, rssWarmup, rssGrowthBound),
        ];
    }

    /// <summary>
    /// Per ModelDeployment and revision at most one Deployment, named as the revision (the naming rule: a revision's
    /// Deployment and Service are called <c>&lt;revision&gt;</c>, the main Service <c>&lt;md-name&gt;</c>); per revision at
    /// most one Service. A second object for one revision means a create raced a stale cache.
    /// </summary>
    public static InvariantResult CheckChildren(IReadOnlyList<ChildrenSample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var evidence = new Evidence();
        long checkedObjects = 0;
        foreach (var sample in samples)
        {
            var owned = sample.Children.Where(c => c.Owner is not null).ToList();
            checkedObjects += owned.Count;
            foreach (var group in owned.Where(c => c.Revision is not null).GroupBy(c => (c.Kind, c.Owner, c.Revision)))
            {
                if (group.Count() > 1)
                {
                    evidence.Add(sample.Time, $"{group.Count()} {group.Key.Kind}s of {group.Key.Owner} for revision {group.Key.Revision}: {string.Join(", ", group.Select(c => c.Name).Order(StringComparer.Ordinal))}");
                }
            }

            foreach (var child in owned)
            {
                var expected = child.Revision ?? child.Owner;
                if (child.Name != expected)
                {
                    evidence.Add(sample.Time, $"{child.Kind} {child.Name} of {child.Owner} (revision {child.Revision ?? "none"}) should be named {expected}");
                }
            }
        }

        return new InvariantResult(NoDuplicateChildren, checkedObjects, evidence.Lines);
    }

    /// <summary>
    /// A revision that was quarantined (its analysis failed) never becomes stable afterwards, and no revision of a bad
    /// model version ever becomes stable (its analysis must fail).
    /// </summary>
    public static InvariantResult CheckNoFailedPromotion(IReadOnlyList<StatusSample> statuses, IReadOnlySet<string> badVersions)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        ArgumentNullException.ThrowIfNull(badVersions);
        var evidence = new Evidence();
        var failed = new Dictionary<string, (DateTimeOffset Time, string? Reason)>(StringComparer.Ordinal);
        var stables = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sample in statuses.OrderBy(s => s.Time))
        {
            var stable = sample.Status.StableRevision;
            if (stable?.Name is { } name)
            {
                stables.Add(name);
                if (failed.TryGetValue(name, out var failure))
                {
                    evidence.Add(sample.Time, $"{name} is stable, but it was quarantined at {Time(failure.Time)} ({failure.Reason})");
                }

                if (stable.ModelVersion is { } version && badVersions.Contains(version))
                {
                    evidence.Add(sample.Time, $"{name} of the bad model version {version} is stable: its analysis passed");
                }
            }

            foreach (var q in sample.Status.QuarantinedRevisions ?? [])
            {
                if (q.Name is not null && !failed.ContainsKey(q.Name))
                {
                    failed[q.Name] = (q.Time ?? sample.Time, q.Reason);
                }
            }
        }

        return new InvariantResult(NoFailedRevisionPromoted, stables.Count, evidence.Lines);
    }

    /// <summary>Every round that rolled out a bad model version ended rolled back.</summary>
    public static InvariantResult CheckBadVersionsRolledBack(IReadOnlyList<RoundRecord> rounds)
    {
        ArgumentNullException.ThrowIfNull(rounds);
        var evidence = new Evidence();
        var bad = rounds.Where(r => r.Bad).ToList();
        foreach (var round in bad.Where(r => r.Outcome != RoundOutcome.RolledBack))
        {
            evidence.Add(round.Ended, string.Create(CultureInfo.InvariantCulture,
                $"round {round.Round}: bad version {round.Version} (revision {round.Revision ?? "never seen"}) was {round.Outcome} ({round.Reason}), not rolled back"));
        }

        return new InvariantResult(EveryBadVersionRolledBack, bad.Count, evidence.Lines);
    }

    /// <summary>
    /// Every decision seen in <c>status.lastDecision</c> has an Event with its message (the recorder cuts messages longer
    /// than 1024 characters to a prefix ending in "..."). Messages repeat across rollouts ("step 2 of 4 (analysis)
    /// complete") and the recorder folds repeats into one Event with a count, so per message the Events' counts must add
    /// up to at least the number of distinct decisions (by time) seen with it: a lost Event is not hidden by a later one.
    /// That includes waiting on an inconclusive analysis: it repeats every interval, and each run has its Event.
    /// One decision is excused: one made within <see cref="EventInFlight"/> before the soak killed the operator (SIGKILL
    /// between the status write and the Event write loses that Event; Events are best effort in Kubernetes, and
    /// docs/reliability.md says so). An operator that is not killed must lose none, whatever the API server does.
    /// </summary>
    public static InvariantResult CheckDecisionEvents(IReadOnlyList<StatusSample> statuses, IReadOnlyList<EventRecord> events, IReadOnlyList<DateTimeOffset>? operatorKills = null)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        ArgumentNullException.ThrowIfNull(events);
        var kills = operatorKills ?? [];
        var evidence = new Evidence();
        var decisions = statuses
            .Select(s => s.Status.LastDecision)
            .OfType<RolloutDecision>()
            .Where(d => !string.IsNullOrEmpty(d.Message))
            .DistinctBy(d => (d.Time, d.Message))
            .ToList();
        foreach (var sameMessage in decisions.GroupBy(d => d.Message!, StringComparer.Ordinal))
        {
            var recorded = events.Where(e => SameMessage(e.Message, sameMessage.Key)).Sum(e => Math.Max(1, e.Count));
            var seen = sameMessage.OrderBy(d => d.Time).ToList();
            var excused = seen.Count(d => d.Time is { } t && kills.Any(k => k >= t && k - t <= EventInFlight));
            if (recorded + excused < seen.Count)
            {
                var first = seen[recorded + excused];
                evidence.Add(first.Time ?? DateTimeOffset.MinValue, string.Create(CultureInfo.InvariantCulture,
                    $"decision {first.Action} ({first.Reason}) seen {seen.Count} times (at {string.Join(", ", seen.Select(d => Time(d.Time ?? DateTimeOffset.MinValue)))}), its Event recorded {recorded} times: \"{sameMessage.Key}\""));
            }
        }

        return new InvariantResult(DecisionsHaveEvents, decisions.Count, evidence.Lines);
    }

    private static bool SameMessage(string eventMessage, string decisionMessage) =>
        eventMessage == decisionMessage
        || (eventMessage.EndsWith("...", StringComparison.Ordinal) && decisionMessage.StartsWith(eventMessage[..^3], StringComparison.Ordinal));

    /// <summary>
    /// Every answer names a model version that the status called stable or canary around the time of the request
    /// (from <see cref="ServingSlackBefore"/> before it was sent to <see cref="ServingSlackAfter"/> after it was answered,
    /// plus the status in effect when that span began). Answers before the first status sample are not checked.
    /// </summary>
    public static InvariantResult CheckServedVersions(IReadOnlyList<ServedAnswer> answers, IReadOnlyList<StatusSample> statuses)
    {
        ArgumentNullException.ThrowIfNull(answers);
        ArgumentNullException.ThrowIfNull(statuses);
        var evidence = new Evidence();
        var ordered = statuses.OrderBy(s => s.Time).ToArray();
        var times = ordered.Select(s => s.Time).ToArray();
        long checkedAnswers = 0;
        foreach (var answer in answers)
        {
            var from = answer.Sent - ServingSlackBefore;
            var to = answer.Answered + ServingSlackAfter;
            var first = Array.BinarySearch(times, from);
            first = first >= 0 ? first : Math.Max(0, ~first - 1); // the sample in effect at 'from'
            if (ordered.Length == 0 || ordered[first].Time > answer.Answered)
            {
                continue;
            }

            checkedAnswers++;
            var serving = new HashSet<string>(StringComparer.Ordinal);
            for (var i = first; i < ordered.Length && ordered[i].Time <= to; i++)
            {
                AddVersion(serving, ordered[i].Status.StableRevision);
                AddVersion(serving, ordered[i].Status.CanaryRevision);
            }

            if (!serving.Contains(answer.Version))
            {
                evidence.Add(answer.Answered, $"answered by model version {answer.Version}; the status named only {(serving.Count == 0 ? "none" : string.Join(", ", serving.Order(StringComparer.Ordinal)))} from {Time(from)} to {Time(to)}");
            }
        }

        return new InvariantResult(AnswersFromServingRevisions, checkedAnswers, evidence.Lines);
    }

    private static void AddVersion(HashSet<string> versions, RevisionRef? revision)
    {
        if (revision?.ModelVersion is { } version)
        {
            versions.Add(version);
        }
    }

    /// <summary>Every model that answered a metadata request through the Service loaded the sha256 its version was applied with.</summary>
    public static InvariantResult CheckChecksums(IReadOnlyList<MetadataAnswer> answers, IReadOnlyDictionary<string, string> sha256ByVersion)
    {
        ArgumentNullException.ThrowIfNull(answers);
        ArgumentNullException.ThrowIfNull(sha256ByVersion);
        var evidence = new Evidence();
        foreach (var answer in answers)
        {
            if (!sha256ByVersion.TryGetValue(answer.Version, out var expected))
            {
                evidence.Add(answer.Time, $"model version {answer.Version} answered, which no applied manifest names");
            }
            else if (!string.Equals(expected, answer.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                evidence.Add(answer.Time, $"model version {answer.Version} answered with sha256 {answer.Sha256}; its manifest says {expected}");
            }
        }

        return new InvariantResult(AnswersWithTheRightChecksum, answers.Count, evidence.Lines);
    }

    /// <summary>
    /// No operator process grows its resident memory by more than <paramref name="bound"/> bytes over its baseline: the
    /// first sample taken at least <paramref name="warmup"/> after the soak started it (start-up, JIT and the first list of
    /// every informer come before). Processes that did not live past the warm-up are not checked.
    /// </summary>
    public static InvariantResult CheckRss(IReadOnlyList<RssSample> samples, TimeSpan warmup, long bound)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var evidence = new Evidence();
        long checkedProcesses = 0;
        foreach (var process in samples.GroupBy(s => (s.Pid, s.Started)))
        {
            var ordered = process.OrderBy(s => s.Time).ToList();
            var baselineIndex = ordered.FindIndex(s => s.Time >= s.Started + warmup);
            if (baselineIndex < 0)
            {
                continue;
            }

            checkedProcesses++;
            var baseline = ordered[baselineIndex];
            var peak = ordered.Skip(baselineIndex).MaxBy(s => s.Bytes)!;
            if (peak.Bytes - baseline.Bytes > bound)
            {
                evidence.Add(peak.Time, string.Create(CultureInfo.InvariantCulture,
                    $"operator pid {process.Key.Pid}: RSS {Mib(baseline.Bytes)} at {Time(baseline.Time)}, {Mib(peak.Bytes)} at {Time(peak.Time)}: +{Mib(peak.Bytes - baseline.Bytes)} (bound +{Mib(bound)})"));
            }
        }

        return new InvariantResult(OperatorMemoryBounded, checkedProcesses, evidence.Lines);
    }

    public static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):0.0} MiB");

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);

    /// <summary>Evidence lines, each said once (a lasting violation is seen in many samples) with the first time it was seen.</summary>
    private sealed class Evidence
    {
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
        private readonly List<string> _lines = [];

        public IReadOnlyList<string> Lines => _lines;

        public void Add(DateTimeOffset time, string line)
        {
            if (_seen.Add(line))
            {
                _lines.Add($"{Time(time)} {line}");
            }
        }
    }
}
