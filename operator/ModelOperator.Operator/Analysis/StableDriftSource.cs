using Microsoft.Extensions.Logging;
using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Rollouts.Analysis;

namespace ModelOperator.Operator.Analysis;

/// <summary>
/// Reads the stable revision's drift families (<see cref="StableDriftSamples"/>) where the analysis reads the canary's:
/// the ready stable pods' <c>/metrics</c> (<see cref="PodMetrics"/>, within the reconcile's outbound budget), or, with
/// the prometheus provider, one instant query of the same families over the revision's pods
/// (<see cref="PrometheusAnalysisProvider.Selector"/>). Unreadable pods are skipped; when none could be read the
/// observation carries the error and the last status is kept. It never throws but for cancellation.
/// </summary>
public sealed partial class StableDriftSource(IPodScraper scraper, PrometheusAnalysisProvider prometheus, ILogger<StableDriftSource> logger)
{
    public async Task<StableDriftObservation> ObserveAsync(ObjectKey deployment, AnalysisSpec? spec, string revision, IReadOnlyList<Pod> pods, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pods);
        if (spec?.Provider?.Prometheus is { } provider)
        {
            return await QueryAsync(deployment, provider.Address, revision, now, cancellationToken).ConfigureAwait(false);
        }

        var read = await Task.WhenAll(pods.Select(pod => PodMetrics.ReadSamplesAsync(scraper, pod, cancellationToken))).ConfigureAwait(false);
        var scraped = read.Where(r => r.Samples is not null).Select(r => r.Samples!).ToList();
        foreach (var (_, error) in read.Where(r => r.Samples is null))
        {
            Log.ScrapeFailed(logger, deployment.Namespace, deployment.Name, error ?? string.Empty);
        }

        return scraped.Count == 0 && read.Length > 0
            ? StableDriftObservation.Failed(read[0].Error ?? "no stable pod could be read")
            : StableDriftSamples.From(scraped);
    }

    private async Task<StableDriftObservation> QueryAsync(ObjectKey deployment, string? address, string revision, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (prometheus.Refusal(address, out var baseUri) is { } refusal)
        {
            Log.QueryFailed(logger, deployment.Namespace, deployment.Name, refusal);
            return StableDriftObservation.Failed(refusal);
        }

        var query = $"{{__name__=~\"{string.Join('|', StableDriftSamples.Families)}\",{PrometheusAnalysisProvider.Selector(deployment.Namespace, revision)}}}";
        var (samples, error) = await prometheus.VectorAsync(baseUri, query, now, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            Log.QueryFailed(logger, deployment.Namespace, deployment.Name, error);
            return StableDriftObservation.Failed(error);
        }

        return StableDriftSamples.From(samples.GroupBy(s => s.Label("pod"), StringComparer.Ordinal).Select(g => (IReadOnlyList<MetricSample>)g.ToList()));
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Stable drift of {Namespace}/{Name}: a pod could not be read: {Error}")]
        public static partial void ScrapeFailed(ILogger logger, string @namespace, string name, string error);

        [LoggerMessage(2, LogLevel.Warning, "Stable drift of {Namespace}/{Name} could not be queried: {Error}")]
        public static partial void QueryFailed(ILogger logger, string @namespace, string name, string error);
    }
}
