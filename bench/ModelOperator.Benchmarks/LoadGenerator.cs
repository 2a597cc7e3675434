using System.Diagnostics;
using System.Net;

namespace ModelOperator.Benchmarks;

/// <summary>The result of one closed-loop load phase.</summary>
internal sealed record LoadResult(int Concurrency, long Requests, long Errors, double Seconds, double[] LatenciesMicros)
{
    public double Throughput => Requests / Seconds;

    public double Percentile(double p) => Stats.Percentile(LatenciesMicros, p);
}

/// <summary>
/// A closed-loop HTTP load generator over loopback: <c>concurrency</c> workers, each sending the
/// next request when the previous answer is read, for a fixed time after a warm-up.
/// </summary>
internal static class LoadGenerator
{
    public static async Task<LoadResult> RunAsync(Uri url, byte[] body, int concurrency, TimeSpan warmup, TimeSpan duration)
    {
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };

        await RunPhaseAsync(client, url, body, concurrency, warmup, record: false).ConfigureAwait(false);
        return await RunPhaseAsync(client, url, body, concurrency, duration, record: true).ConfigureAwait(false);
    }

    private static async Task<LoadResult> RunPhaseAsync(HttpClient client, Uri url, byte[] body, int concurrency, TimeSpan duration, bool record)
    {
        var latencies = new List<double>[concurrency];
        var errors = 0L;
        var started = Stopwatch.GetTimestamp();
        var end = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, concurrency).Select(async w =>
        {
            var mine = latencies[w] = new List<double>(100_000);
            var buffer = new byte[64 * 1024];
            while (Stopwatch.GetTimestamp() < end)
            {
                var t0 = Stopwatch.GetTimestamp();
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                using var response = await client.PostAsync(url, content).ConfigureAwait(false);
                var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    while (await stream.ReadAsync(buffer).ConfigureAwait(false) > 0)
                    {
                    }
                }

                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref errors);
                }

                if (record)
                {
                    mine.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
                }
            }
        }).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var all = latencies.SelectMany(l => l).ToArray();
        return new LoadResult(concurrency, all.Length, errors, seconds, all);
    }
}

internal static class Stats
{
    public static double Percentile(double[] values, double p)
    {
        if (values.Length == 0)
        {
            return double.NaN;
        }

        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        var rank = p / 100.0 * (sorted.Length - 1);
        var lo = (int)Math.Floor(rank);
        var hi = (int)Math.Ceiling(rank);
        return sorted[lo] + ((sorted[hi] - sorted[lo]) * (rank - lo));
    }

    public static double Median(IEnumerable<double> values) => Percentile(values.ToArray(), 50);
}
