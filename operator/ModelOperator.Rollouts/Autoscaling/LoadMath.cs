using ModelOperator.Statistics;

namespace ModelOperator.Rollouts.Autoscaling;

/// <summary>Turns what a revision's servers report into a <see cref="LoadObservation"/>. Pure.</summary>
public static class LoadMath
{
    /// <summary>
    /// <list type="bullet">
    /// <item>throughput = Σ over pods with an earlier scrape of Δrequests / elapsed seconds (NaN when no pod has one);</item>
    /// <item>inFlight = Σ of the in-flight gauges now (known from the first scrape);</item>
    /// <item>p95 = the 0.95 quantile of the summed Δ duration buckets (NaN when no request finished in between);</item>
    /// <item>modelLoadTime = the slowest pod's model load seconds (NaN when none reports it).</item>
    /// </list>
    /// No pod at all gives all NaN. Example: pod a 300 requests in 30 s, pod b 300 in 15 s, 95% of all within 50 ms,
    /// 5 + 7 in flight, loads 6 s and 8 s → throughput 10 + 20 = 30/s, inFlight 12, p95 0.05, load 8.
    /// </summary>
    public static LoadObservation Combine(IReadOnlyList<PodLoad> pods)
    {
        ArgumentNullException.ThrowIfNull(pods);
        if (pods.Count == 0)
        {
            return new LoadObservation();
        }

        var rated = pods.Select(p => p.Since).OfType<PodLoadDelta>().Where(d => d.Elapsed > TimeSpan.Zero).ToList();
        var buckets = new Dictionary<double, double>();
        foreach (var (le, count) in rated.SelectMany(d => d.Duration))
        {
            buckets[le] = buckets.GetValueOrDefault(le) + count;
        }

        var loads = pods.Select(p => p.ModelLoadSeconds).Where(double.IsFinite).ToList();
        return new LoadObservation
        {
            Throughput = rated.Count == 0 ? double.NaN : rated.Sum(d => d.Requests / d.Elapsed.TotalSeconds),
            InFlight = pods.Sum(p => p.InFlight),
            P95Latency = rated.Sum(d => d.Requests) > 0 ? HistogramMath.Quantile(0.95, buckets.Select(b => (b.Key, b.Value)).ToList()) : double.NaN,
            ModelLoadTime = loads.Count == 0 ? double.NaN : loads.Max(),
        };
    }
}
