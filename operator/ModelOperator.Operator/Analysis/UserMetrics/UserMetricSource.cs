using System.Globalization;
using Microsoft.Extensions.Logging;
using ModelOperator.Api;
using ModelOperator.Operator.Http;
using ModelOperator.Operator.Secrets;
using ModelOperator.Runtime.Protocol;
using ModelOperator.Rollouts.Analysis;

namespace ModelOperator.Operator.Analysis.UserMetrics;

/// <summary>
/// Measures the user metrics of <c>spec.rollout.analysis.metrics</c>: a PromQL query (and an optional sample count
/// query) through the Prometheus provider's allowlist and parser, or a GET of a JSON answer. Every call goes through the
/// one bounded <see cref="OutboundHttp"/> (no redirects, size cap, timeout, the reconcile's concurrency and deadline).
/// Never throws for a remote failure: each metric becomes a measurement, no data (NaN) or an error measurement.
/// </summary>
/// <remarks>
/// A web source's headers are filled in by <paramref name="secrets"/> just before the GET; a header whose Secret or key
/// is missing makes the metric inconclusive (named in the decision, never the value) and no request is sent. Without a
/// reader (tests of other parts), a header from a Secret is reported as unreadable.
/// </remarks>
public sealed partial class UserMetricSource(OutboundHttp http, PrometheusAnalysisProvider prometheus, IReadOnlyList<string> webAllowedPrefixes, ILogger<UserMetricSource> logger, SecretHeaderReader? secrets = null)
{
    /// <summary>Every metric of <paramref name="request"/>'s spec, by name.</summary>
    public async Task<IReadOnlyDictionary<string, Measurement>> MeasureAsync(AnalysisRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var metrics = request.Spec?.Metrics ?? [];
        var values = Placeholders(request);
        var measured = await Task.WhenAll(metrics.Select(m => MeasureOneAsync(m, request, values, cancellationToken))).ConfigureAwait(false);
        return metrics.Select((m, i) => (m.Name!, measured[i])).ToDictionary(p => p.Item1, p => p.Item2, StringComparer.Ordinal);
    }

    /// <summary>The placeholder values of one run (<see cref="MetricTemplate"/>): validated names and the window as a PromQL duration.</summary>
    public static IReadOnlyDictionary<string, string?> Placeholders(AnalysisRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return MetricTemplate.Values(request.Deployment.Namespace, request.Deployment.Name, request.CanaryRevision, request.StableRevision, request.Window);
    }

    private async Task<Measurement> MeasureOneAsync(AnalysisMetric metric, AnalysisRequest request, IReadOnlyDictionary<string, string?> values, CancellationToken cancellationToken)
    {
        var window = request.Window;
        var measurement = metric.Prometheus is { } source
            ? await PrometheusAsync(source, metric.MinSamples is not null, request, values, cancellationToken).ConfigureAwait(false)
            : metric.Web is { } web
                ? await WebAsync(web, request.Deployment.Namespace, values, window, cancellationToken).ConfigureAwait(false)
                : Measurement.Failure("the metric has neither a prometheus nor a web source", window);
        if ((measurement.Error ?? measurement.Unavailable) is { } error)
        {
            Log.MetricFailed(logger, request.Deployment.Namespace, request.Deployment.Name, metric.Name!, error);
        }

        return measurement;
    }

    private async Task<Measurement> PrometheusAsync(PrometheusMetricSource source, bool countSamples, AnalysisRequest request, IReadOnlyDictionary<string, string?> values, CancellationToken cancellationToken)
    {
        var window = request.Window;
        var address = source.Address ?? request.Spec?.Provider?.Prometheus?.Address;
        if (address is null)
        {
            return Measurement.Failure("prometheus.address is not set, and neither is spec.rollout.analysis.provider.prometheus.address", window);
        }

        if (prometheus.Refusal(address, out var baseUri) is { } refusal)
        {
            return Measurement.Failure(refusal, window);
        }

        var (value, error) = await ScalarAsync(baseUri, source.Query!, values, request.Now, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return Measurement.Failure(error, window);
        }

        long samples = 0;
        if (countSamples && source.SamplesQuery is { } samplesQuery)
        {
            var (count, countError) = await ScalarAsync(baseUri, samplesQuery, values, request.Now, cancellationToken).ConfigureAwait(false);
            if (countError is not null)
            {
                return Measurement.Failure($"samplesQuery: {countError}", window);
            }

            samples = count is { } c && double.IsFinite(c) && c > 0 ? (long)Math.Round(Math.Min(c, long.MaxValue)) : 0;
        }

        return new Measurement(value, samples, window);
    }

    /// <summary>One number from a query: NaN for an empty vector; an error for a query that returns several series.</summary>
    private async Task<(double Value, string? Error)> ScalarAsync(Uri baseUri, string template, IReadOnlyDictionary<string, string?> values, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (MetricTemplate.Render(template, values, out var missing) is not { } query)
        {
            return (double.NaN, missing == MetricTemplate.BaselineRevision ? null : $"the query uses {{{{{missing}}}}}, which has no value here");
        }

        var (samples, error) = await prometheus.VectorAsync(baseUri, query, now, cancellationToken).ConfigureAwait(false);
        return error is not null ? (double.NaN, error)
            : samples.Count == 0 ? (double.NaN, null)
            : samples.Count > 1 ? (double.NaN, string.Create(CultureInfo.InvariantCulture, $"the query returned {samples.Count} series, not one number; aggregate it (e.g. with sum or max)"))
            : (samples[0].Value, null);
    }

    private async Task<Measurement> WebAsync(WebMetricSource web, string @namespace, IReadOnlyDictionary<string, string?> values, TimeSpan window, CancellationToken cancellationToken)
    {
        if (MetricTemplate.Render(web.Url!, values, out _, Uri.EscapeDataString) is not { } url)
        {
            return Measurement.NoData(window); // the only placeholder that can lack a value is the baseline: nothing to compare yet
        }

        var shown = UriRedaction.Redact(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return Measurement.Failure($"web.url '{shown}' is not an http(s) URL", window);
        }

        if (!AllowedAddresses.IsAllowed(uri, webAllowedPrefixes))
        {
            var allowed = webAllowedPrefixes.Count == 0 ? "none is allowed" : "allowed: " + string.Join(", ", webAllowedPrefixes);
            return Measurement.Failure($"web.url '{shown}' is not under a prefix the cluster admin allows (ANALYSIS_WEB_ALLOWED_PREFIXES, chart value analysis.web.allowedPrefixes; {allowed}); no request was sent", window);
        }

        var headers = secrets is null ? HeaderValues.Literal(web.Headers) : await secrets.ReadAsync(@namespace, web.Headers, cancellationToken).ConfigureAwait(false);
        if (headers.Problem is { } problem)
        {
            return Measurement.NotTaken($"{problem}; no request was sent", window);
        }

        try
        {
            var (status, body) = await http.GetAsync(uri, null, headers.Values, cancellationToken).ConfigureAwait(false);
            if (status is < 200 or > 299)
            {
                return Measurement.Failure(string.Create(CultureInfo.InvariantCulture, $"web.url '{shown}' answered HTTP {status}"), window);
            }

            return JsonNumber.Read(body, web.JsonPath!) switch
            {
                { Error: { } error } => Measurement.Failure($"web.url '{shown}': {error}", window),
                { Value: var value } => Measurement.Of(value, 0, window),
            };
        }
        catch (HttpRequestException e)
        {
            // OutboundHttp's messages name the bound that stopped the call and show the address redacted.
            return Measurement.Failure(e.Message, window);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "A user metric {Metric} of ModelDeployment {Namespace}/{Name} could not be measured: {Error}")]
        public static partial void MetricFailed(ILogger logger, string @namespace, string name, string metric, string error);
    }
}
