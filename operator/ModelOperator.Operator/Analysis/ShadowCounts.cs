namespace ModelOperator.Operator.Analysis;

/// <summary>
/// What a mirroring (stable) server counted of the copies it sent a shadow candidate (<see cref="ShadowContract"/>):
/// compared and failed copies, compared copies that agreed within the tolerance, and the candidate's latency buckets.
/// Part of a <see cref="ServerScrape"/>, subtracted and summed with it.
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

    /// <summary>
    /// Adds one sample of an exposition when it is a shadow family; false when it is not. Dropped copies (a full queue)
    /// are not the candidate's doing and count nowhere here.
    /// </summary>
    public static bool TryAdd(MetricSample sample, ref ShadowCounts counts)
    {
        ArgumentNullException.ThrowIfNull(sample);
        switch (sample.Name)
        {
            case ShadowContract.Copies:
                counts = sample.Label(ShadowContract.CopyOutcomeLabel) switch
                {
                    ShadowContract.Compared => counts with { Compared = counts.Compared + sample.Value },
                    ShadowContract.Failed => counts with { Failed = counts.Failed + sample.Value },
                    _ => counts,
                };
                return true;
            case ShadowContract.Agreements:
                counts = counts with { Agreements = counts.Agreements + sample.Value };
                return true;
            case ShadowContract.CandidateDuration + ModelServerMetricNames.BucketSuffix when PrometheusText.TryParseValue(sample.Label("le"), out var le):
                var buckets = new Dictionary<double, double>(counts.CandidateDuration);
                buckets[le] = buckets.GetValueOrDefault(le) + sample.Value;
                counts = counts with { CandidateDuration = buckets };
                return true;
            default:
                return false;
        }
    }

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
            CandidateDuration = ServerScrape.Subtract(CandidateDuration, from.CandidateDuration),
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
            CandidateDuration = ServerScrape.Add(CandidateDuration, other.CandidateDuration),
        };
    }
}
