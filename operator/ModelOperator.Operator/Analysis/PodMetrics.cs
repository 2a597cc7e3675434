using ModelOperator.Kubernetes.Models;
using ModelOperator.Rollouts.Analysis;

namespace ModelOperator.Operator.Analysis;

/// <summary>
/// Reads model server pods' <c>/metrics</c> into <see cref="ServerScrape"/>s, for the direct analysis provider and the
/// load source alike. A pod that cannot be read, answers other than 200, or answers nothing readable as the Prometheus
/// text format gives an error naming the pod and why; it never throws but for cancellation.
/// </summary>
public static class PodMetrics
{
    public const string Path = "/metrics";

    /// <summary>One pod's scrape, or the reason there is none.</summary>
    public static async Task<(ServerScrape? Scrape, string? Error)> ReadAsync(IPodScraper scraper, Pod pod, CancellationToken cancellationToken)
    {
        var (samples, error) = await ReadSamplesAsync(scraper, pod, cancellationToken).ConfigureAwait(false);
        return samples is null ? (null, error) : (ServerScrapeReader.Read(samples), null);
    }

    /// <summary>One pod's exposition as samples, or the reason there is none.</summary>
    public static async Task<(IReadOnlyList<MetricSample>? Samples, string? Error)> ReadSamplesAsync(IPodScraper scraper, Pod pod, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scraper);
        ArgumentNullException.ThrowIfNull(pod);
        var name = pod.Metadata.Name;
        string body;
        try
        {
            (var status, body) = await scraper.GetAsync(pod, Path, cancellationToken).ConfigureAwait(false);
            if (status != 200)
            {
                return (null, $"pod {name} answered {Path} with HTTP {status}");
            }
        }
        catch (HttpRequestException e)
        {
            return (null, $"pod {name}: {e.Message}");
        }

        try
        {
            var samples = PrometheusText.Parse(body, out var skipped);
            // Unreadable lines among readable ones are skipped (a scrape is evidence, not a contract); an answer with
            // nothing readable at all is not a model server's exposition.
            return samples.Count == 0 && skipped > 0
                ? (null, $"pod {name} answered {Path} with {skipped} lines and none in the Prometheus text format")
                : (samples, null);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or OverflowException)
        {
            return (null, $"pod {name} answered {Path} with text that could not be read as the Prometheus text format");
        }
    }

    /// <summary>
    /// Every pod's scrape, in the order given. They are asked together; inside a reconcile its outbound budget bounds how
    /// many calls run at once (OUTBOUND_CONCURRENCY) and until when (OUTBOUND_DEADLINE).
    /// </summary>
    public static Task<(ServerScrape? Scrape, string? Error)[]> ReadAllAsync(IPodScraper scraper, IEnumerable<Pod> pods, CancellationToken cancellationToken) =>
        Task.WhenAll(pods.Select(pod => ReadAsync(scraper, pod, cancellationToken)));
}
