using ModelOperator.Api;
using ModelOperator.Rollouts.Planning;

namespace ModelOperator.Rollouts.Analysis;

/// <summary>
/// The stable revision's drift state in status (<see cref="StableDriftStatus"/>): when to measure it and what the next
/// state is. Pure: the reconciler reads the pods (or Prometheus) and hands the readings here.
/// </summary>
/// <remarks>
/// Per feature, over the stable pods: the score is the worst pod's PSI and the sample count that pod's (score and samples
/// rest on the same window). A feature drifts when that score is at or above the threshold over at least minSamples
/// values; with fewer values the last verdict and its <c>since</c> are kept (no data changes nothing, as on the server).
/// <c>since</c> is each feature's own: kept while the feature keeps drifting; when it starts, it is the moment the servers
/// first saw that feature cross (the earliest of the pods' per-series starts for it, <see cref="FeatureDriftReading.Since"/>)
/// if that is after the last measurement (a server saw it first, within one interval), else the measurement's time. An
/// older server start is not taken: at the last look the operator judged the feature not drifting (its threshold or
/// minSamples may differ from the server's), so the crossing it reports is the one it saw. A feature that recovers
/// loses its since; crossing again starts a new one.
/// Worked example, threshold 0.25, minSamples 50: a previous state {tenure: 0.31 drifting since 12:00} and readings
/// tenure 0.29 (400 values, pod a), tenure 0.33 (380, pod b), plan 0.30 (20 values) give tenure 0.33 drifting since 12:00
/// and plan 0.3 not drifting (too few values, nothing known before). Measured at 12:01 after a look at 12:00:30 that found
/// contract 0.1, readings contract 0.4 (pod a, drifting there since 12:00:50) and 0.35 (pod b, since 12:00:40) give
/// contract 0.4 drifting since 12:00:40. Scores are rounded to 3 decimals and the rows to two
/// significant digits, and <c>observedAt</c> only moves when a verdict, a since or the feature set changed or a score moved
/// by <see cref="ScoreChange"/> or more, so a steady state writes nothing.
/// </remarks>
public static class StableDriftTracker
{
    /// <summary>The PSI threshold without spec.rollout.analysis.maxFeatureDrift: the usual "major shift", as the server's.</summary>
    public const double DefaultThreshold = 0.25;

    /// <summary>Whether the deployment's stable drift is measured at all: only a model with a reference profile exports drift.</summary>
    public static bool Applies(ModelDeploymentSpec? spec) => spec?.Model?.Profile is not null;

    /// <summary>When the next measurement is due: an interval after the later of the last measurement and the state's time; now when the stable revision changed.</summary>
    public static DateTimeOffset DueAt(StableDriftStatus? previous, string stableRevision, DateTimeOffset? lastMeasured, TimeSpan interval)
    {
        if (previous?.Revision != stableRevision || previous.ObservedAt is not { } observedAt)
        {
            return lastMeasured is { } measured ? measured + interval : DateTimeOffset.MinValue;
        }

        return (lastMeasured is { } last && last > observedAt ? last : observedAt) + interval;
    }

    /// <summary>
    /// The next state from <paramref name="observed"/>; <paramref name="previous"/> unchanged when nothing could be read
    /// (<see cref="StableDriftObservation.Error"/>), or when nothing moved enough to be news (see <see cref="ScoreChange"/>).
    /// </summary>
    public static StableDriftStatus? Next(StableDriftStatus? previous, string revision, StableDriftObservation observed, AnalysisCriteria criteria, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(observed);
        ArgumentNullException.ThrowIfNull(criteria);
        if (observed.Error is not null)
        {
            return previous;
        }

        var before = previous?.Revision == revision ? previous : null;
        var threshold = criteria.MaxFeatureDrift ?? DefaultThreshold;
        var features = observed.Features
            .Where(r => double.IsFinite(r.Score) && !string.IsNullOrEmpty(r.Name))
            .GroupBy(r => r.Name, StringComparer.Ordinal)
            .Select(g => Feature(g.OrderByDescending(r => r.Score).ThenByDescending(r => r.Samples).First(), FirstCrossed(g), before, threshold, criteria.MinSamples, now))
            .OrderByDescending(f => f.Score)
            .ThenBy(f => f.Name, StringComparer.Ordinal)
            .Take(StableDriftStatus.MaxFeatures)
            .ToList();
        var next = new StableDriftStatus
        {
            Revision = revision,
            ObservedAt = now,
            Samples = RoundSamples(observed.Rows),
            Features = features,
        };
        return before is not null && Same(before, next) ? before : next;
    }

    /// <summary>
    /// <paramref name="plan"/> carrying <paramref name="state"/> in its status (the planner builds status without it) and
    /// planning again by <paramref name="nextIn"/> at the latest (null: the plan's own requeue).
    /// </summary>
    public static RolloutPlan Attach(RolloutPlan plan, StableDriftStatus? state, TimeSpan? nextIn)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var requeue = nextIn is not { } wait ? plan.RequeueAfter
            : plan.RequeueAfter is { } planned && planned > TimeSpan.Zero && planned < wait ? planned
            : wait;
        return plan with { Status = plan.Status with { StableDrift = state }, RequeueAfter = requeue };
    }

    /// <summary>Rows to two significant digits (1234 → 1200, 87 → 87), so steady traffic does not rewrite status.</summary>
    public static long RoundSamples(double rows)
    {
        if (!(rows >= 1) || !double.IsFinite(rows))
        {
            return 0;
        }

        var scale = Math.Pow(10, Math.Max(0, Math.Floor(Math.Log10(rows)) - 1));
        return (long)(Math.Round(rows / scale, MidpointRounding.AwayFromZero) * scale);
    }

    // The earliest moment any pod's server saw this feature start drifting (pods disagree: the first one to see it counts).
    // Min over a nullable ignores the nulls (pods where the feature does not drift) and is null when all are.
    private static DateTimeOffset? FirstCrossed(IEnumerable<FeatureDriftReading> readings) => readings.Min(r => r.Since);

    private static FeatureDriftStatus Feature(FeatureDriftReading worst, DateTimeOffset? crossed, StableDriftStatus? before, double threshold, long minSamples, DateTimeOffset now)
    {
        var name = worst.Name.Length > StableDriftStatus.MaxNameLength ? worst.Name[..StableDriftStatus.MaxNameLength] : worst.Name;
        var last = before?.Features?.FirstOrDefault(f => f.Name == name);
        var wasDrifting = last?.Drifting == true;
        var drifting = worst.Samples >= minSamples ? worst.Score >= threshold : wasDrifting;
        DateTimeOffset? since = null;
        if (drifting)
        {
            var lastLook = before?.ObservedAt ?? DateTimeOffset.MinValue;
            since = wasDrifting && last!.Since is { } kept ? kept
                : crossed is { } start && start > lastLook && start <= now ? start
                : now;
        }

        return new FeatureDriftStatus { Name = name, Score = Math.Round(worst.Score, 3), Threshold = threshold, Drifting = drifting, Since = since };
    }

    /// <summary>
    /// How far a feature's score must move to be worth a status write. PSI over a live window jitters by hundredths
    /// from one interval to the next (and the window's row count grows and shrinks with traffic), so writing on every
    /// rounded change would rewrite status every interval: a GitOps diff and an API write for no news.
    /// </summary>
    public const double ScoreChange = 0.05;

    // Unchanged: the same features, each with the same verdict, since and threshold, and a score within ScoreChange.
    // The row count alone never makes a write; it is refreshed whenever something else does.
    private static bool Same(StableDriftStatus a, StableDriftStatus b)
    {
        var before = (a.Features ?? []).ToDictionary(f => f.Name ?? string.Empty, StringComparer.Ordinal);
        var after = b.Features ?? [];
        return (a.Samples > 0) == (b.Samples > 0) && before.Count == after.Count && after.All(f =>
            before.TryGetValue(f.Name ?? string.Empty, out var was)
            && was.Drifting == f.Drifting && was.Since == f.Since && was.Threshold == f.Threshold
            && Math.Abs((was.Score ?? 0) - (f.Score ?? 0)) < ScoreChange);
    }
}
