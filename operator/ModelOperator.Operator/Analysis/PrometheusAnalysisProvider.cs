using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ModelOperator.Api;
using ModelOperator.Contracts;
using ModelOperator.Operator.Http;
using ModelOperator.Runtime.Protocol;
using ModelOperator.Rollouts.Analysis;

namespace ModelOperator.Operator.Analysis;

/// <summary>
/// The <c>prometheus</c> provider: instant queries to <c>{address}/api/v1/query</c> over the revision's pods, selected by
/// the labels a standard <c>kubernetes-pods</c> scrape job attaches: <c>namespace="NS", pod=~"REVISION-.*"</c>
/// (a revision's pods are named after its Deployment).
/// <list type="bullet">
/// <item>requests: <c>sum(increase(modelserver_requests_total{sel}[w]))</c>, failures the same with <see cref="RequestOutcomes.FailedMatcher"/>;</item>
/// <item>p99: <c>histogram_quantile(0.99, sum by (le) (increase(modelserver_request_duration_seconds_bucket{sel}[w])))</c>;</item>
/// <item>prediction drift: <c>sum by (output, le) (increase(modelserver_prediction_value_bucket{sel}[w]))</c> for canary and
/// stable, bins from the cumulative buckets, PSI computed here (<see cref="HistogramMath"/>);</item>
/// <item>feature drift and data quality: the revision's pooled feature windows (<c>sum by (name, bin, range)</c> of the window bins,
/// and so on: PrometheusAnalysisProvider.Features.cs), scored here like the direct provider's; servers that export no bins fall
/// back to <c>max(modelserver_drift_psi{sel, series="feature"})</c> with samples <c>sum(modelserver_drift_window_rows{sel})</c>.</item>
/// </list>
/// A failed query becomes an error measurement; it never throws into the reconciler. The address must be one the cluster
/// admin allows (<see cref="AllowedAddresses"/>, PROMETHEUS_ALLOWED_ADDRESSES): any other is an error measurement and no
/// request is sent. Errors name what went wrong in the operator's words; what Prometheus sent (its error text, a body
/// that is not JSON) is never repeated, since it ends up in status and Events.
/// </summary>
public sealed partial class PrometheusAnalysisProvider(OutboundHttp http, IReadOnlyList<string> allowedAddresses, ILogger<PrometheusAnalysisProvider> logger) : IAnalysisProvider
{
    public async Task<AnalysisResult> MeasureAsync(AnalysisRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var address = request.Spec?.Provider?.Prometheus?.Address;
        var window = request.Window;
        if (Refusal(address, out var baseUri) is { } refusal)
        {
            Log.Refused(logger, request.Deployment.Namespace, request.Deployment.Name, refusal);
            var failure = Measurement.Failure(refusal, window);
            return request.Shadow
                ? ShadowMeasurements.Unmeasured(request.CanaryRevision, request.Now, failure)
                : new AnalysisResult
                {
                    Revision = request.CanaryRevision, MeasuredAt = request.Now, ErrorRate = failure, P99Latency = failure, PredictionDrift = failure, FeatureDrift = failure,
                    UnseenCategoryShare = failure, NonFiniteShare = failure, OutOfRangeShare = failure,
                };
        }

        var w = GoDuration.Format(window);
        var sel = Selector(request.Deployment.Namespace, request.CanaryRevision);
        var requests = await ScalarAsync(baseUri, $"sum(increase({ModelServerMetricNames.Requests}{{{sel}}}[{w}]))", request.Now, cancellationToken).ConfigureAwait(false);
        var failed = await ScalarAsync(baseUri, $"sum(increase({ModelServerMetricNames.Requests}{{{sel},{RequestOutcomes.FailedMatcher}}}[{w}]))", request.Now, cancellationToken).ConfigureAwait(false);
        var p99 = await ScalarAsync(baseUri, $"histogram_quantile(0.99, sum by (le) (increase({ModelServerMetricNames.RequestDuration}{ModelServerMetricNames.BucketSuffix}{{{sel}}}[{w}])))", request.Now, cancellationToken).ConfigureAwait(false);

        Measurement errorRate, latency;
        if (requests.Error is { } requestsError)
        {
            errorRate = latency = Measurement.Failure(requestsError, window);
        }
        else
        {
            var samples = (long)Math.Round(requests.Value is { } r && double.IsFinite(r) ? r : 0);
            errorRate = failed.Error is { } e ? Measurement.Failure(e, window)
                : samples > 0 ? Measurement.Of((failed.Value ?? 0) / requests.Value!.Value, samples, window)
                : Measurement.NoData(window);
            latency = p99.Error is { } pe ? Measurement.Failure(pe, window)
                : p99.Value is { } v && double.IsFinite(v) ? Measurement.Of(v, samples, window)
                : Measurement.NoData(window);
        }

        var predictionDrift = request.Spec?.MaxPredictionDrift is null || request.StableRevision is null
            ? Measurement.NoData(window)
            : await PredictionDriftAsync(baseUri, request, w, cancellationToken).ConfigureAwait(false);

        var psi = await ScalarAsync(baseUri, $"max({ModelServerMetricNames.DriftPsi}{{{sel},{ModelServerMetricNames.SeriesLabel}=\"{ModelServerMetricNames.FeatureSeries}\"}})", request.Now, cancellationToken).ConfigureAwait(false);
        var rows = await ScalarAsync(baseUri, $"sum({ModelServerMetricNames.DriftWindowRows}{{{sel}}})", request.Now, cancellationToken).ConfigureAwait(false);
        var (features, featuresError) = await FeatureWindowsAsync(baseUri, sel, request.Now, cancellationToken).ConfigureAwait(false);
        var pooled = ScrapeMeasurements.Compute(request.CanaryRevision, request.Now, window, new ServerScrape
        {
            Features = features,
            MaxFeaturePsi = psi.Value is { } pv && double.IsFinite(pv) ? pv : double.NaN,
            DriftRows = rows.Value ?? 0,
        }, null);
        var featureError = featuresError is { } ffe ? Measurement.Failure(ffe, window) : null;
        var featureDrift = (psi.Error ?? rows.Error) is { } fe ? Measurement.Failure(fe, window) : featureError ?? pooled.FeatureDrift;

        var measured = new AnalysisResult
        {
            Revision = request.CanaryRevision,
            MeasuredAt = request.Now,
            ErrorRate = errorRate,
            P99Latency = latency,
            PredictionDrift = predictionDrift,
            FeatureDrift = featureDrift,
            UnseenCategoryShare = featureError ?? pooled.UnseenCategoryShare,
            NonFiniteShare = featureError ?? pooled.NonFiniteShare,
            OutOfRangeShare = featureError ?? pooled.OutOfRangeShare,
        };
        return request.Shadow ? await WithShadowAsync(baseUri, request, w, measured, cancellationToken).ConfigureAwait(false) : measured;
    }

    /// <summary>
    /// Why <paramref name="address"/> may not be queried, or null (with its parsed form) when it may: it must be an http(s)
    /// URL, and the query endpoint under it must be allowed by the admin's list.
    /// </summary>
    internal string? Refusal(string? address, out Uri baseUri)
    {
        baseUri = null!;
        var shown = UriRedaction.Redact(address);
        if (string.IsNullOrEmpty(address) || !Uri.TryCreate(address, UriKind.Absolute, out var parsed)
            || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
        {
            return $"spec.rollout.analysis.provider.prometheus.address '{shown}' is not an http(s) URL";
        }

        if (!AllowedAddresses.IsAllowed(new Uri(parsed, QueryPath), allowedAddresses))
        {
            var allowed = allowedAddresses.Count == 0 ? "none is allowed" : "allowed: " + string.Join(", ", allowedAddresses);
            return $"spec.rollout.analysis.provider.prometheus.address '{shown}' is not an address the cluster admin allows "
                + $"(PROMETHEUS_ALLOWED_ADDRESSES, chart value analysis.prometheus.allowedAddresses; {allowed}); no query was sent. "
                + "Use an allowed address or provider direct";
        }

        baseUri = parsed;
        return null;
    }

    /// <summary>The pod selector of a revision (label values escaped for PromQL).</summary>
    public static string Selector(string @namespace, string revision) => RevisionPodSelector.PromQL(@namespace, revision);

    private async Task<Measurement> PredictionDriftAsync(Uri baseUri, AnalysisRequest request, string w, CancellationToken cancellationToken)
    {
        const string query = "sum by (" + ModelServerMetricNames.OutputLabel + ", le) (increase(" + ModelServerMetricNames.PredictionValue + ModelServerMetricNames.BucketSuffix + "{{{0}}}[{1}]))";
        var canary = await VectorAsync(baseUri, string.Format(CultureInfo.InvariantCulture, query, Selector(request.Deployment.Namespace, request.CanaryRevision), w), request.Now, cancellationToken).ConfigureAwait(false);
        var stable = await VectorAsync(baseUri, string.Format(CultureInfo.InvariantCulture, query, Selector(request.Deployment.Namespace, request.StableRevision!), w), request.Now, cancellationToken).ConfigureAwait(false);
        if ((canary.Error ?? stable.Error) is { } error)
        {
            return Measurement.Failure(error, request.Window);
        }

        var result = ScrapeMeasurements.Compute(request.CanaryRevision, request.Now, request.Window,
            new ServerScrape { Predictions = Buckets(canary.Samples) }, new ServerScrape { Predictions = Buckets(stable.Samples) });
        return result.PredictionDrift!;
    }

    // Per output, le → count. A repeated (output, le) pair, which a well-behaved Prometheus never sends for a "sum by",
    // is summed rather than allowed to throw.
    private static Dictionary<string, IReadOnlyDictionary<double, double>> Buckets(IReadOnlyList<MetricSample> samples)
    {
        var byOutput = new Dictionary<string, Dictionary<double, double>>(StringComparer.Ordinal);
        foreach (var sample in samples)
        {
            if (!PrometheusText.TryParseValue(sample.Label("le"), out var le) || double.IsNaN(le))
            {
                continue;
            }

            var output = sample.Label("output");
            if (!byOutput.TryGetValue(output, out var buckets))
            {
                byOutput[output] = buckets = [];
            }

            buckets[le] = buckets.GetValueOrDefault(le) + sample.Value;
        }

        return byOutput.ToDictionary(p => p.Key, p => (IReadOnlyDictionary<double, double>)p.Value, StringComparer.Ordinal);
    }

    private async Task<(double? Value, string? Error)> ScalarAsync(Uri baseUri, string query, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (samples, error) = await VectorAsync(baseUri, query, now, cancellationToken).ConfigureAwait(false);
        return error is not null ? (null, error) : (samples.Count == 0 ? null : samples[0].Value, null);
    }

    /// <summary>Runs an instant query; the samples of its vector result, or an error saying what went wrong.</summary>
    internal async Task<(IReadOnlyList<MetricSample> Samples, string? Error)> VectorAsync(Uri baseUri, string query, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var time = (now.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);
        var uri = new Uri(baseUri, $"{QueryPath}?query={Uri.EscapeDataString(query)}&time={time}");
        try
        {
            var (status, body) = await http.GetAsync(uri, null, cancellationToken).ConfigureAwait(false);
            return ParseVector(body, status);
        }
        catch (HttpRequestException e)
        {
            // OutboundHttp's messages name the bound that stopped the call and show the address redacted.
            Log.QueryFailed(logger, query, e.Message);
            return ([], $"Prometheus query failed: {e.Message}");
        }
    }

    /// <summary>
    /// Reads a <c>/api/v1/query</c> answer (<c>{"status":"success","data":{"resultType":"vector","result":[{"metric":{…},"value":[t,"v"]}]}}</c>,
    /// or a scalar <c>"result":[t,"v"]</c>). Anything else is an error naming what was wrong: not JSON, a failed status (with
    /// Prometheus's errorType when it is one of its documented words), a missing or mistyped member. Values Prometheus
    /// writes as strings (<c>"NaN"</c>, <c>"+Inf"</c>, <c>"1e400"</c> → +∞) are read as numbers; the evaluator judges them.
    /// </summary>
    internal static (IReadOnlyList<MetricSample> Samples, string? Error) ParseVector(string body, int statusCode)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return ([], $"Prometheus answered HTTP {statusCode} with a body that is not JSON");
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return ([], $"Prometheus answered HTTP {statusCode} with JSON that is not an object");
            }

            if (!root.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.String || status.GetString() != "success")
            {
                var type = root.TryGetProperty("errorType", out var et) && et.ValueKind == JsonValueKind.String && KnownErrorTypes.Contains(et.GetString()!)
                    ? $" ({et.GetString()})"
                    : string.Empty;
                return ([], $"Prometheus answered HTTP {statusCode} without status success{type}");
            }

            if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
                || !data.TryGetProperty("result", out var result) || result.ValueKind != JsonValueKind.Array)
            {
                return ([], $"Prometheus answered HTTP {statusCode} without a data.result array");
            }

            var resultType = data.TryGetProperty("resultType", out var rt) && rt.ValueKind == JsonValueKind.String ? rt.GetString() : null;
            if (resultType == "scalar")
            {
                return TryReadPoint(result, out var scalar)
                    ? ([new MetricSample(string.Empty, new Dictionary<string, string>(), scalar)], null)
                    : ([], "Prometheus returned an unreadable scalar");
            }

            if (resultType != "vector")
            {
                return ([], "Prometheus returned a result that is not a vector or scalar");
            }

            var samples = new List<MetricSample>();
            foreach (var item in result.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("value", out var value) || !TryReadPoint(value, out var number))
                {
                    return ([], "Prometheus returned a vector element without a readable value");
                }

                var labels = new Dictionary<string, string>(StringComparer.Ordinal);
                if (item.TryGetProperty("metric", out var metric) && metric.ValueKind == JsonValueKind.Object)
                {
                    foreach (var p in metric.EnumerateObject())
                    {
                        if (p.Value.ValueKind == JsonValueKind.String)
                        {
                            labels[p.Name] = p.Value.GetString()!;
                        }
                    }
                }

                samples.Add(new MetricSample(labels.GetValueOrDefault("__name__", string.Empty), labels, number));
            }

            return (samples, null);
        }
    }

    // Prometheus's documented errorType words; any other text from the remote side is not repeated.
    private static readonly HashSet<string> KnownErrorTypes = new(StringComparer.Ordinal)
    {
        "timeout", "canceled", "execution", "bad_data", "internal", "unavailable", "not_found", "not_acceptable",
    };

    // A point is [unixTime, "value"].
    private static bool TryReadPoint(JsonElement point, out double value)
    {
        value = double.NaN;
        return point.ValueKind == JsonValueKind.Array && point.GetArrayLength() == 2
            && point[1].ValueKind == JsonValueKind.String
            && PrometheusText.TryParseValue(point[1].GetString()!, out value);
    }

    private const string QueryPath = "api/v1/query";

    private static partial class Log
    {
        [LoggerMessage(2, LogLevel.Warning, "The prometheus provider of ModelDeployment {Namespace}/{Name} was refused: {Reason}")]
        public static partial void Refused(ILogger logger, string @namespace, string name, string reason);

        [LoggerMessage(1, LogLevel.Warning, "Prometheus query {Query} failed: {Error}")]
        public static partial void QueryFailed(ILogger logger, string query, string error);
    }
}
