using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Prometheus;

namespace ModelOperator.Metrics;

/// <summary>
/// <c>GET /metrics</c> for a registry, served by prometheus-net.AspNetCore's middleware: the Prometheus text format 0.0.4,
/// or OpenMetrics 1.0 when the scraper asks for <c>application/openmetrics-text</c> (Prometheus does by default).
/// </summary>
public static class MetricsEndpoint
{
    /// <summary>The Content-Type of the Prometheus text format.</summary>
    public const string TextContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The Content-Type of OpenMetrics, answered to <c>Accept: application/openmetrics-text</c>.</summary>
    public const string OpenMetricsContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    public static IEndpointConventionBuilder Map(IEndpointRouteBuilder endpoints, CollectorRegistry registry, string pattern = "/metrics")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(registry);
        // MapMetrics alone answers every method; a scrape is GET (HEAD as HTTP allows), anything else is 405 with Allow.
        return endpoints.MapMetrics(settings =>
        {
            settings.Registry = registry;
            settings.EnableOpenMetrics = true;
        }, pattern).WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]));
    }
}
