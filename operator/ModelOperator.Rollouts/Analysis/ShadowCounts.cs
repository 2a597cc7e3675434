using ModelOperator.Statistics;

namespace ModelOperator.Rollouts.Analysis;

/// <summary>
/// What a mirroring (stable) server counted of the copies it sent a shadow candidate (<see cref="ShadowContract"/>):
/// compared and failed copies, compared copies that agreed within the tolerance, and the candidate's latency buckets.
/// Part of a <see cref="ServerScrape"/>, subtracted and summed with it; read from an exposition by the operator (<c>ServerScrapeReader</c>).
/// </summary>
public sealed record ShadowCounts
{
    public static ShadowCounts Zero { get; } = new();

    /// <summary>Copies the candidate answered and whose answers were compared.</summary>
    public double Compared { get; init; }

    /// <summary>Copies the candidate failed: an error or no answer in time.</summary>
    public double Failed { get; init; }

    /// <summary>Compared copies whose every output value was within the tolerance.</summary>
    public double Agreements { get; init; }

    /// <summary>Cumulative buckets of the candidate's latency on the copies (le → count).</summary>
    public IReadOnlyDictionary<double, double> CandidateDuration { get; init; } = new Dictionary<double, double>();

    /// <summary>What was counted since <paramref name="baseline"/>; counters that went down restarted, so the later values count whole.</summary>
    public ShadowCounts Since(ShadowCounts baseline)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        var from = Compared < baseline.Compared || Failed < baseline.Failed ? Zero : baseline;
        return new ShadowCounts
        {
            Compared = Compared - from.Compared,
            Failed = Failed - from.Failed,
            Agreements = Math.Max(0, Agreements - from.Agreements),
            CandidateDuration = HistogramMath.Difference(CandidateDuration, from.CandidateDuration),
        };
    }

    public ShadowCounts Plus(ShadowCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new ShadowCounts
        {
            Compared = Compared + other.Compared,
            Failed = Failed + other.Failed,
            Agreements = Agreements + other.Agreements,
            CandidateDuration = HistogramMath.Sum(CandidateDuration, other.CandidateDuration),
        };
    }
}
