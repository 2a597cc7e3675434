using System.Globalization;

namespace ModelOperator.Rollouts.Analysis;

/// <summary>
/// Names the causes of a drift or data-quality verdict, in few and bounded words: which features (or outputs) moved most,
/// by how much, on how many values, how reference and live differ, and since when. Pure.
/// </summary>
/// <remarks>
/// At most <see cref="MaxCauses"/> causes, highest score first, ties by name (ordinal), so the same evidence always
/// gives the same text; summaries are cut to <see cref="MaxSummaryLength"/> characters and names to
/// <see cref="MaxNameLength"/>, so <c>status.lastDecision</c> stays small whatever the profile holds.
/// Worked example (feature drift): <c>contract_months: PSI 2.9 over 400 values, unseen 31 % (reference 0 %);
/// gained unseen 0 % → 31 %, lost = 1 50.3 % → 20 %; mean 9.3 → 11.2; drifting since 2026-12-04T22:41:05Z</c>.
/// </remarks>
public static class DriftCauses
{
    /// <summary>The most causes a decision names.</summary>
    public const int MaxCauses = 3;

    /// <summary>The longest summary of one cause, in characters.</summary>
    public const int MaxSummaryLength = 200;

    /// <summary>The longest name of a cause, in characters (longer names are cut with an ellipsis).</summary>
    public const int MaxNameLength = 64;

    /// <summary>The <see cref="MaxCauses"/> highest-scoring causes with a finite score above 0, ties by name.</summary>
    public static IReadOnlyList<DriftCause> Top(IEnumerable<DriftCause> causes)
    {
        ArgumentNullException.ThrowIfNull(causes);
        return causes
            .Where(c => double.IsFinite(c.Score) && c.Score > 0)
            .OrderByDescending(c => c.Score)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .Take(MaxCauses)
            .Select(c => c with { Name = Cut(c.Name, MaxNameLength), Summary = Cut(c.Summary, MaxSummaryLength) })
            .ToList();
    }

    /// <summary>
    /// A feature's pooled window against its reference: the unseen share (categorical series with unseen values), the bin
    /// that gained and the bin that lost the most share, and the binned mean before and after.
    /// Example: <c>unseen 31 % (reference 0 %); gained [20, 28) 10 % → 25 %, lost [0, 7) 9.8 % → 2 %; mean 36 → 41.5</c>.
    /// </summary>
    public static string FeatureSummary(SeriesWindow series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var parts = new List<string>();
        var samples = series.Samples;
        if (series.UnseenCategory > 0 && samples > 0)
        {
            var reference = series.Bins.FirstOrDefault(b => b.Range == "unseen")?.Reference ?? 0;
            parts.Add($"unseen {Percent(series.UnseenCategory / samples)} (reference {Percent(reference)})");
        }

        if (samples > 0 && series.Bins.Count > 1)
        {
            var moves = series.Bins.Select(b => (Bin: b, Live: b.Count / samples, Delta: (b.Count / samples) - b.Reference)).ToList();
            var gained = moves.OrderByDescending(m => m.Delta).ThenBy(m => m.Bin.Index).First();
            var lost = moves.OrderBy(m => m.Delta).ThenBy(m => m.Bin.Index).First();
            var shifts = new List<string>();
            if (gained.Delta > 0)
            {
                shifts.Add($"gained {gained.Bin.Range} {Percent(gained.Bin.Reference)} → {Percent(gained.Live)}");
            }

            if (lost.Delta < 0)
            {
                shifts.Add($"lost {lost.Bin.Range} {Percent(lost.Bin.Reference)} → {Percent(lost.Live)}");
            }

            if (shifts.Count > 0)
            {
                parts.Add(string.Join(", ", shifts));
            }
        }

        if (double.IsFinite(series.ReferenceMean) && double.IsFinite(series.LiveMean))
        {
            parts.Add($"mean {Number(series.ReferenceMean)} → {Number(series.LiveMean)}");
        }

        return parts.Count == 0 ? "no values in the window" : string.Join("; ", parts);
    }

    /// <summary>
    /// How predictions moved, in words: the share of predictions above the bucket bound where stable and canary differ
    /// most (the largest gap between their cumulative distributions). Example: <c>share of predictions above 0.8: stable 5 %, canary 31 %</c>.
    /// </summary>
    /// <param name="bounds">The bucket upper bounds (<c>le</c>), sorted; the last is usually +∞.</param>
    /// <param name="stableBins">Stable's counts per bucket (not cumulative).</param>
    /// <param name="canaryBins">The canary's counts per bucket.</param>
    public static string PredictionSummary(IReadOnlyList<double> bounds, IReadOnlyList<double> stableBins, IReadOnlyList<double> canaryBins)
    {
        ArgumentNullException.ThrowIfNull(bounds);
        ArgumentNullException.ThrowIfNull(stableBins);
        ArgumentNullException.ThrowIfNull(canaryBins);
        double stableTotal = stableBins.Sum(), canaryTotal = canaryBins.Sum();
        if (stableTotal <= 0 || canaryTotal <= 0)
        {
            return "no predictions on one side";
        }

        double stableBelow = 0, canaryBelow = 0, bestGap = -1, bestBound = double.NaN, stableAbove = 0, canaryAbove = 0;
        for (var i = 0; i < bounds.Count - 1; i++)
        {
            stableBelow += stableBins[i];
            canaryBelow += canaryBins[i];
            var s = 1 - (stableBelow / stableTotal);
            var c = 1 - (canaryBelow / canaryTotal);
            if (double.IsFinite(bounds[i]) && Math.Abs(c - s) > bestGap)
            {
                (bestGap, bestBound, stableAbove, canaryAbove) = (Math.Abs(c - s), bounds[i], s, c);
            }
        }

        return double.IsNaN(bestBound)
            ? "predictions fall into one bucket only"
            : $"share of predictions above {Number(bestBound)}: stable {Percent(stableAbove)}, canary {Percent(canaryAbove)}";
    }

    /// <summary>The causes in one line for a decision message: <c>contract_months (PSI 2.9 over 400 values: …; drifting since …)</c>.</summary>
    public static string Describe(IReadOnlyList<DriftCause> causes, string scoreName)
    {
        ArgumentNullException.ThrowIfNull(causes);
        return string.Join("; ", causes.Select(c =>
            $"{c.Name} ({scoreName} {Score(c.Score, scoreName)} over {c.Samples.ToString(CultureInfo.InvariantCulture)} values: {c.Summary}"
            + (c.Since is { } since ? $"; since {since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)})" : ")")));
    }

    /// <summary>A share as a percentage with up to one decimal: 0.3125 → <c>31.3 %</c>.</summary>
    public static string Percent(double share) => (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";

    private static string Score(double value, string scoreName) =>
        scoreName == "share" ? Percent(value) : value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    private static string Cut(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
