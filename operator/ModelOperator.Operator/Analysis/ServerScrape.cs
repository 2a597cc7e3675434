using ModelOperator.Contracts;
using ModelOperator.Rollouts.Analysis;

namespace ModelOperator.Operator.Analysis;

/// <summary>The counters of one model server scrape that the analysis uses, summed over label sets where that is meaningful.</summary>
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

    /// <summary>
    /// Reads a model server exposition. Failed requests are those <see cref="RequestOutcomes.IsFailure"/> names.
    /// </summary>
    public static ServerScrape From(IReadOnlyList<MetricSample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        double requests = 0, failed = 0, rows = 0, psi = double.NaN, inFlight = 0, load = double.NaN;
        var duration = new Dictionary<double, double>();
        var predictions = new Dictionary<string, Dictionary<double, double>>(StringComparer.Ordinal);
        var features = new SeriesWindowReader();
        var shadow = ShadowCounts.Zero;
        foreach (var s in samples)
        {
            features.Add(s);
            if (ShadowCounts.TryAdd(s, ref shadow))
            {
                continue;
            }

            switch (s.Name)
            {
                case ModelServerMetricNames.Requests:
                    requests += s.Value;
                    if (RequestOutcomes.IsFailure(s.Label(ModelServerMetricNames.OutcomeLabel)))
                    {
                        failed += s.Value;
                    }

                    break;
                case ModelServerMetricNames.RequestDuration + ModelServerMetricNames.BucketSuffix when PrometheusText.TryParseValue(s.Label("le"), out var le):
                    duration[le] = duration.GetValueOrDefault(le) + s.Value;
                    break;
                case ModelServerMetricNames.PredictionValue + ModelServerMetricNames.BucketSuffix when PrometheusText.TryParseValue(s.Label("le"), out var ple):
                    var output = s.Label(ModelServerMetricNames.OutputLabel);
                    if (!predictions.TryGetValue(output, out var buckets))
                    {
                        predictions[output] = buckets = [];
                    }

                    buckets[ple] = buckets.GetValueOrDefault(ple) + s.Value;
                    break;
                case ModelServerMetricNames.DriftPsi when s.Label(ModelServerMetricNames.SeriesLabel) == ModelServerMetricNames.FeatureSeries && double.IsFinite(s.Value):
                    psi = double.IsNaN(psi) ? s.Value : Math.Max(psi, s.Value);
                    break;
                case ModelServerMetricNames.RequestsInFlight:
                    inFlight += s.Value;
                    break;
                case ModelServerMetricNames.ModelLoadDuration when double.IsFinite(s.Value):
                    load = double.IsNaN(load) ? s.Value : Math.Max(load, s.Value);
                    break;
                case ModelServerMetricNames.DriftWindowRows:
                    rows += s.Value;
                    break;
            }
        }

        return new ServerScrape
        {
            Requests = requests,
            FailedRequests = failed,
            Duration = duration,
            Predictions = predictions.ToDictionary(p => p.Key, p => (IReadOnlyDictionary<double, double>)p.Value, StringComparer.Ordinal),
            MaxFeaturePsi = psi,
            Features = features.Features(),
            DriftRows = rows,
            InFlight = inFlight,
            ModelLoadSeconds = load,
            Shadow = shadow,
        };
    }

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
            Duration = Subtract(Duration, from.Duration),
            Predictions = Predictions.ToDictionary(
                p => p.Key,
                p => Subtract(p.Value, from.Predictions.GetValueOrDefault(p.Key) ?? new Dictionary<double, double>()),
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
            k => Add(Predictions.GetValueOrDefault(k), other.Predictions.GetValueOrDefault(k)),
            StringComparer.Ordinal);
        return new ServerScrape
        {
            Requests = Requests + other.Requests,
            FailedRequests = FailedRequests + other.FailedRequests,
            Duration = Add(Duration, other.Duration),
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

    internal static IReadOnlyDictionary<double, double> Subtract(IReadOnlyDictionary<double, double> now, IReadOnlyDictionary<double, double> before) =>
        now.ToDictionary(p => p.Key, p => Math.Max(0, p.Value - before.GetValueOrDefault(p.Key)));

    internal static IReadOnlyDictionary<double, double> Add(IReadOnlyDictionary<double, double>? a, IReadOnlyDictionary<double, double>? b)
    {
        var sum = new Dictionary<double, double>(a ?? new Dictionary<double, double>());
        foreach (var (le, count) in b ?? new Dictionary<double, double>())
        {
            sum[le] = sum.GetValueOrDefault(le) + count;
        }

        return sum;
    }
}
