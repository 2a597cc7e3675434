using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Analysis;
using ModelOperator.Rollouts.Analysis;
using ModelOperator.Rollouts.Autoscaling;

namespace ModelOperator.Operator.Load;

/// <summary>
/// Reads the load of a revision from its ready pods' <c>/metrics</c>, each pod's counters against that pod's previous
/// scrape (kept per revision and pod UID), combined by <see cref="LoadMath.Combine"/>. The first look at a pod knows only
/// its gauges (in flight, load time); its rates follow from the second. Pods that cannot be read are left out; when none
/// can, everything is unknown (NaN).
/// </summary>
public sealed partial class DirectLoadSource(IPodScraper scraper, ILogger<DirectLoadSource> logger) : ILoadSource
{
    /// <summary>A pod's last scrape is dropped when not refreshed for this long (its rate would mean little anyway).</summary>
    public static readonly TimeSpan ForgetAfter = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, (DateTimeOffset Time, ServerScrape Scrape)> _last = new(StringComparer.Ordinal);

    /// <summary>Pods whose last scrape is remembered.</summary>
    internal int Remembered => _last.Count;

    public async Task<LoadObservation> ObserveAsync(string revision, IReadOnlyList<Pod> pods, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pods);
        var ready = pods.Where(DirectAnalysisProvider.IsReady).ToList();
        var scrapes = await PodMetrics.ReadAllAsync(scraper, ready, cancellationToken).ConfigureAwait(false);
        var loads = new List<PodLoad>();
        for (var i = 0; i < ready.Count; i++)
        {
            var pod = ready[i];
            if (scrapes[i] is not { Scrape: { } scrape })
            {
                Log.ScrapeFailed(logger, pod.Metadata.Name ?? string.Empty, scrapes[i].Error ?? string.Empty);
                continue;
            }

            var key = Key(revision, pod);
            var since = _last.TryGetValue(key, out var previous) && now > previous.Time && scrape.Since(previous.Scrape) is { } delta
                ? new PodLoadDelta(delta.Requests, delta.Duration, now - previous.Time)
                : null;
            loads.Add(new PodLoad(scrape.InFlight, scrape.ModelLoadSeconds, since));
            _last[key] = (now, scrape);
        }

        // Forget pods of this revision that are gone, and any pod not seen for a while (revisions that went away).
        var live = pods.Select(p => Key(revision, p)).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, last) in _last)
        {
            if ((key.StartsWith(revision + "/", StringComparison.Ordinal) && !live.Contains(key)) || last.Time < now - ForgetAfter)
            {
                _last.TryRemove(key, out _);
            }
        }

        return LoadMath.Combine(loads);
    }

    private static string Key(string revision, Pod pod) => $"{revision}/{pod.Metadata.Uid ?? pod.Metadata.Name}";

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Reading the load of pod {Pod} failed: {Error}")]
        public static partial void ScrapeFailed(ILogger logger, string pod, string error);
    }
}
