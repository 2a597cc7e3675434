using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ModelOperator.Api;
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
/// <item>feature drift: <c>max(modelserver_drift_psi{sel, series="feature"})</c> with samples <c>sum(modelserver_drift_window_rows{sel})</c>.</item>
/// </list>
/// A failed query becomes an error measurement; it never throws into the reconciler.
/// </summary>
public sealed partial class PrometheusAnalysisProvider(HttpClient http, TimeSpan timeout, ILogger<PrometheusAnalysisProvider> logger) : IAnalysisProvider
{
    public async Task<AnalysisResult> MeasureAsync(AnalysisRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var address = request.Spec?.Provider?.Prometheus?.Address;
        var window = request.Window;
        if (string.IsNullOrEmpty(address) || !Uri.TryCreate(address, UriKind.Absolute, out var baseUri)
            || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps))
        {
            var failure = Measurement.Failure($"spec.rollout.analysis.provider.prometheus.address '{address}' is not an http(s) URL", window);
            return new AnalysisResult { Revision = request.CanaryRevision, MeasuredAt = request.Now, ErrorRate = failure, P99Latency = failure, PredictionDrift = failure, FeatureDrift = failure };
        }

        var w = GoDuration.Format(window);
        var sel = Selector(request.Deployment.Namespace, request.CanaryRevision);
        var requests = await ScalarAsync(baseUri, $"sum(increase(modelserver_requests_total{{{sel}}}[{w}]))", request.Now, cancellationToken).ConfigureAwait(false);
        var failed = await ScalarAsync(baseUri, $"sum(increase(modelserver_requests_total{{{sel},{RequestOutcomes.FailedMatcher}}}[{w}]))", request.Now, cancellationToken).ConfigureAwait(false);
        var p99 = await ScalarAsync(baseUri, $"histogram_quantile(0.99, sum by (le) (increase(modelserver_request_duration_seconds_bucket{{{sel}}}[{w}])))", request.Now, cancellationToken).ConfigureAwait(false);

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

        var psi = await ScalarAsync(baseUri, $"max(modelserver_drift_psi{{{sel},series=\"feature\"}})", request.Now, cancellationToken).ConfigureAwait(false);
        var rows = await ScalarAsync(baseUri, $"sum(modelserver_drift_window_rows{{{sel}}})", request.Now, cancellationToken).ConfigureAwait(false);
        var featureDrift = (psi.Error ?? rows.Error) is { } fe ? Measurement.Failure(fe, window)
            : psi.Value is { } pv && double.IsFinite(pv) ? Measurement.Of(pv, (long)Math.Round(rows.Value ?? 0), window)
            : Measurement.NoData(window);

        return new AnalysisResult
        {
            Revision = request.CanaryRevision,
            MeasuredAt = request.Now,
            ErrorRate = errorRate,
            P99Latency = latency,
            PredictionDrift = predictionDrift,
            FeatureDrift = featureDrift,
        };
    }

    /// <summary>The pod selector of a revision (label values escaped for PromQL).</summary>
    public static string Selector(string @namespace, string revision) =>
        $"namespace=\"{Escape(@namespace)}\",pod=~\"{Escape(revision)}-.*\"";

    private async Task<Measurement> PredictionDriftAsync(Uri baseUri, AnalysisRequest request, string w, CancellationToken cancellationToken)
    {
        const string query = "sum by (output, le) (increase(modelserver_prediction_value_bucket{{{0}}}[{1}]))";
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

    private static Dictionary<string, IReadOnlyDictionary<double, double>> Buckets(IReadOnlyList<MetricSample> samples) =>
        samples
            .Where(s => PrometheusText.TryParseValue(s.Label("le"), out _))
            .GroupBy(s => s.Label("output"), StringComparer.Ordinal)
            .ToDictionary(
                g => g.Key,
                g => (IReadOnlyDictionary<double, double>)g.ToDictionary(s => { PrometheusText.TryParseValue(s.Label("le"), out var le); return le; }, s => s.Value),
                StringComparer.Ordinal);

    private async Task<(double? Value, string? Error)> ScalarAsync(Uri baseUri, string query, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (samples, error) = await VectorAsync(baseUri, query, now, cancellationToken).ConfigureAwait(false);
        return error is not null ? (null, error) : (samples.Count == 0 ? null : samples[0].Value, null);
    }

    /// <summary>Runs an instant query; the samples of its vector result, or an error saying what went wrong.</summary>
    internal async Task<(IReadOnlyList<MetricSample> Samples, string? Error)> VectorAsync(Uri baseUri, string query, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var time = (now.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);
        var uri = new Uri(baseUri, $"api/v1/query?query={Uri.EscapeDataString(query)}&time={time}");
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout);
            using var response = await http.GetAsync(uri, cts.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cts.Token).ConfigureAwait(false);
            return ParseVector(body, (int)response.StatusCode);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Log.QueryFailed(logger, query, e.Message);
            return ([], $"Prometheus query failed: {e.Message}");
        }
    }

    /// <summary>Reads a <c>/api/v1/query</c> answer (<c>{"status":"success","data":{"resultType":"vector","result":[{"metric":{…},"value":[t,"v"]}]}}</c>).</summary>
    internal static (IReadOnlyList<MetricSample> Samples, string? Error) ParseVector(string body, int statusCode)
    {
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        if (root.TryGetProperty("status", out var status) && status.GetString() != "success")
        {
            var message = root.TryGetProperty("error", out var err) ? err.GetString() : "no error message";
            return ([], $"Prometheus answered HTTP {statusCode}: {message}");
        }

        if (!root.TryGetProperty("data", out var data) || !data.TryGetProperty("result", out var result) || result.ValueKind != JsonValueKind.Array)
        {
            return ([], $"Prometheus answered HTTP {statusCode} without data.result");
        }

        var type = data.TryGetProperty("resultType", out var rt) ? rt.GetString() : null;
        if (type == "scalar")
        {
            return PrometheusText.TryParseValue(result[1].GetString() ?? string.Empty, out var scalar)
                ? ([new MetricSample(string.Empty, new Dictionary<string, string>(), scalar)], null)
                : ([], "Prometheus returned an unreadable scalar");
        }

        var samples = new List<MetricSample>();
        foreach (var item in result.EnumerateArray())
        {
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (item.TryGetProperty("metric", out var metric))
            {
                foreach (var p in metric.EnumerateObject())
                {
                    labels[p.Name] = p.Value.GetString() ?? string.Empty;
                }
            }

            if (item.TryGetProperty("value", out var value) && value.GetArrayLength() == 2
                && PrometheusText.TryParseValue(value[1].GetString() ?? string.Empty, out var number))
            {
                samples.Add(new MetricSample(labels.GetValueOrDefault("__name__", string.Empty), labels, number));
            }
        }

        return (samples, null);
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Prometheus query {Query} failed: {Error}")]
        public static partial void QueryFailed(ILogger logger, string query, string error);
    }
}
