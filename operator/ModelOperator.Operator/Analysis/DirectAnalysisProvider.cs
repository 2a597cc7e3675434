using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Rollouts.Analysis;

namespace ModelOperator.Operator.Analysis;

/// <summary>
/// The <c>direct</c> provider: scrapes each ready pod's <c>/metrics</c> and computes the measurements itself, no Prometheus
/// needed. Counters only mean something as differences, so each pod's scrapes are remembered (bounded, per pod UID) and a
/// window's delta is taken against the newest scrape at least one window old; a pod younger than the window counts from
/// zero (its counters started with it); otherwise the oldest scrape kept is used (a shorter window, still data). With no
/// scrape kept at all (the first look at a pod, or a restarted operator) it also counts from zero: the pod's lifetime,
/// which for a canary pod is the canary's life so far. Counters that went down mean a restarted server: the new values
/// count whole. Unreadable pods give an error measurement when no pod could be read; it never throws. The pods are
/// scraped together (<see cref="PodMetrics.ReadAllAsync"/>), within the reconcile's outbound budget.
/// </summary>
public sealed partial class DirectAnalysisProvider(IPodScraper scraper, ILogger<DirectAnalysisProvider> logger) : IAnalysisProvider
{
    private const int MaxScrapesPerPod = 64;
    private readonly ConcurrentDictionary<string, List<(DateTimeOffset Time, ServerScrape Scrape)>> _history = new(StringComparer.Ordinal);

    public async Task<AnalysisResult> MeasureAsync(AnalysisRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (canary, canaryError) = await WindowAsync(request.CanaryPods, request, cancellationToken).ConfigureAwait(false);
        if (canary is null)
        {
            var error = canaryError ?? "no ready canary pod to scrape";
            var failure = canaryError is null ? Measurement.NoData(request.Window) : Measurement.Failure(error, request.Window);
            return request.Shadow
                ? ShadowMeasurements.Unmeasured(request.CanaryRevision, request.Now, failure)
                : new AnalysisResult
                {
                    Revision = request.CanaryRevision, MeasuredAt = request.Now, ErrorRate = failure, P99Latency = failure, PredictionDrift = failure, FeatureDrift = failure,
                    UnseenCategoryShare = failure, NonFiniteShare = failure, OutOfRangeShare = failure,
                };
        }

        // In a shadow step the stable pods hold the copies' counts (they send them), so they are read whatever the thresholds.
        ServerScrape? stable = null;
        string? stableError = null;
        if ((request.Shadow || request.Spec?.MaxPredictionDrift is not null) && request.StablePods.Count > 0)
        {
            (stable, stableError) = await WindowAsync(request.StablePods, request, cancellationToken).ConfigureAwait(false);
        }

        Forget(request);
        var measured = ScrapeMeasurements.Compute(request.CanaryRevision, request.Now, request.Window, canary, stable);
        if (!request.Shadow)
        {
            return measured;
        }

        return stable is null && stableError is not null
            ? ShadowMeasurements.Unmeasured(request.CanaryRevision, request.Now, Measurement.Failure($"no stable pod could be read for the shadow copies: {stableError}", request.Window))
                with { PredictionDrift = measured.PredictionDrift, FeatureDrift = measured.FeatureDrift }
            : ShadowMeasurements.Compute(measured, stable?.Shadow ?? ShadowCounts.Zero, request.Window);
    }

    /// <summary>The summed window delta of the ready pods, or null with the first error when no pod could be read.</summary>
    private async Task<(ServerScrape? Delta, string? Error)> WindowAsync(IReadOnlyList<Pod> pods, AnalysisRequest request, CancellationToken cancellationToken)
    {
        var ready = pods.Where(IsReady).ToList();
        var scrapes = await PodMetrics.ReadAllAsync(scraper, ready, cancellationToken).ConfigureAwait(false);
        ServerScrape? total = null;
        string? firstError = null;
        for (var i = 0; i < ready.Count; i++)
        {
            var pod = ready[i];
            if (scrapes[i] is not { Scrape: { } scrape })
            {
                Log.ScrapeFailed(logger, pod.Metadata.Name ?? string.Empty, scrapes[i].Error ?? string.Empty);
                firstError ??= scrapes[i].Error;
                continue;
            }

            var delta = scrape.Since(Baseline(pod, request) ?? ServerScrape.Zero);
            Remember(pod, request.Now, scrape);
            total = total is null ? delta : total.Plus(delta);
        }

        return (total, total is null ? firstError : null);
    }

    private ServerScrape? Baseline(Pod pod, AnalysisRequest request)
    {
        var since = request.Now - request.Window;
        if (_history.TryGetValue(pod.Metadata.Uid ?? string.Empty, out var scrapes))
        {
            lock (scrapes)
            {
                var old = scrapes.LastOrDefault(s => s.Time <= since);
                if (old.Scrape is not null)
                {
                    return old.Scrape;
                }

                if (pod.Status?.StartTime is { } started && started >= since)
                {
                    return null; // younger than the window: count from zero
                }

                return scrapes.Count > 0 ? scrapes[0].Scrape : null;
            }
        }

        return null;
    }

    private void Remember(Pod pod, DateTimeOffset now, ServerScrape scrape)
    {
        var scrapes = _history.GetOrAdd(pod.Metadata.Uid ?? string.Empty, _ => []);
        lock (scrapes)
        {
            scrapes.Add((now, scrape));
            if (scrapes.Count > MaxScrapesPerPod)
            {
                scrapes.RemoveAt(0);
            }
        }
    }

    /// <summary>Drops the scrapes of pods no longer in the request's revisions (deleted pods).</summary>
    private void Forget(AnalysisRequest request)
    {
        var live = request.CanaryPods.Concat(request.StablePods).Select(p => p.Metadata.Uid ?? string.Empty).ToHashSet(StringComparer.Ordinal);
        foreach (var uid in _history.Keys)
        {
            if (!live.Contains(uid) && _history.TryGetValue(uid, out var scrapes) && scrapes.Count > 0 && scrapes[^1].Time < request.Now - (4 * request.Window))
            {
                _history.TryRemove(uid, out _);
            }
        }

    }

    internal static bool IsReady(Pod pod) =>
        pod.Metadata.DeletionTimestamp is null
        && pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Scraping pod {Pod} failed: {Error}")]
        public static partial void ScrapeFailed(ILogger logger, string pod, string error);
    }
}
