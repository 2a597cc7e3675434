using ModelOperator.Statistics;

namespace ModelOperator.Rollouts.Analysis;

/// <summary>
/// The counters of one model server scrape that the analysis uses, summed over label sets where that is meaningful:
/// plain data, and the arithmetic of windows (<see cref="Since"/>) and pods (<see cref="Plus"/>). Reading it from an
/// exposition is the operator's (<c>ServerScrapeReader</c>), so this project stays free of the metrics library.
/// </summary>
public sealed record ServerScrape
{
    public double Requests { get; init; }

    public double FailedRequests { get; init; }

    /// <summary>Cumulative request duration buckets (le → count).</summary>
    public IReadOnlyDictionary<double, double> Duration { get; init; } = new Dictionary<double, double>();

    /// <summary>Cumulative prediction buckets per output (output → le → count).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<double, double>> Predictions { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<double, double>>();

    /// <summary>The worst feature PSI over the server's drift window, or NaN without a profile.</summary>
    public double MaxFeaturePsi { get; init; } = double.NaN;

    /// <summary>Per feature, the server's drift window against its reference profile (window gauges, not counters); pods add up by <see cref="Plus"/>.</summary>
    public IReadOnlyDictionary<string, SeriesWindow> Features { get; init; } = new Dictionary<string, SeriesWindow>();

    /// <summary>Rows in the server's drift window.</summary>
    public double DriftRows { get; init; }

    /// <summary>Requests being queued or run now (gauge, summed over label sets and pods).</summary>
    public double InFlight { get; init; }

    /// <summary>Seconds the model took to load (gauge; the slowest pod when summed), NaN when not reported.</summary>
    public double ModelLoadSeconds { get; init; } = double.NaN;

    /// <summary>The copies this server sent a shadow candidate (a stable server during a shadow step), else zero.</summary>
    public ShadowCounts Shadow { get; init; } = ShadowCounts.Zero;

    public static ServerScrape Zero { get; } = new();

    /// <summary>What was counted between <paramref name="baseline"/> and this scrape (a counter that went down restarted: the later value counts whole).</summary>
    public ServerScrape Since(ServerScrape baseline)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        var reset = Requests < baseline.Requests;
        var from = reset ? Zero : baseline;
        return this with
        {
            Requests = Requests - from.Requests,
            FailedRequests = Math.Max(0, FailedRequests - from.FailedRequests),
            Duration = HistogramMath.Difference(Duration, from.Duration),
            Predictions = Predictions.ToDictionary(
                p => p.Key,
                p => HistogramMath.Difference(p.Value, from.Predictions.GetValueOrDefault(p.Key) ?? new Dictionary<double, double>()),
                StringComparer.Ordinal),
            Shadow = Shadow.Since(baseline.Shadow),
        };
    }

    /// <summary>The sum of two pods' deltas (window gauges: the worst PSI, the rows added).</summary>
    public ServerScrape Plus(ServerScrape other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var predictions = Predictions.Keys.Union(other.Predictions.Keys, StringComparer.Ordinal).ToDictionary(
            k => k,
            k => HistogramMath.Sum(Predictions.GetValueOrDefault(k), other.Predictions.GetValueOrDefault(k)),
            StringComparer.Ordinal);
        return new ServerScrape
        {
            Requests = Requests + other.Requests,
            FailedRequests = FailedRequests + other.FailedRequests,
            Duration = HistogramMath.Sum(Duration, other.Duration),
            Predictions = predictions,
            Features = Features.Keys.Union(other.Features.Keys, StringComparer.Ordinal).ToDictionary(
                k => k,
                k => Features.TryGetValue(k, out var mine) ? (other.Features.TryGetValue(k, out var theirs) ? mine.Plus(theirs) : mine) : other.Features[k],
                StringComparer.Ordinal),
            MaxFeaturePsi = double.IsNaN(MaxFeaturePsi) ? other.MaxFeaturePsi : double.IsNaN(other.MaxFeaturePsi) ? MaxFeaturePsi : Math.Max(MaxFeaturePsi, other.MaxFeaturePsi),
            DriftRows = DriftRows + other.DriftRows,
            InFlight = InFlight + other.InFlight,
            ModelLoadSeconds = double.IsNaN(ModelLoadSeconds) ? other.ModelLoadSeconds : double.IsNaN(other.ModelLoadSeconds) ? ModelLoadSeconds : Math.Max(ModelLoadSeconds, other.ModelLoadSeconds),
            Shadow = Shadow.Plus(other.Shadow),
        };
    }
}
