using System.Diagnostics;

namespace ModelOperator.Prometheus;

/// <summary>
/// The standard process and .NET runtime series that Prometheus client libraries export by
/// default (process_cpu_seconds_total, process_resident_memory_bytes, ...), read at scrape time.
/// The benchmarks use dotnet_gc_allocated_bytes_total to measure allocation per request.
/// </summary>
public static class ProcessMetrics
{
    private static readonly KeyValuePair<string, string>[][] Generations =
        [[new("generation", "0")], [new("generation", "1")], [new("generation", "2")]];

    /// <summary>Registers the process collector on <paramref name="registry"/>.</summary>
    public static void Register(MetricRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var startTime = Process.GetCurrentProcess().StartTime.ToUniversalTime();
        var start = new DateTimeOffset(startTime).ToUnixTimeMilliseconds() / 1000.0;
        registry.AddCollector(w =>
        {
            using var process = Process.GetCurrentProcess();
            w.WriteCounter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", [], process.TotalProcessorTime.TotalSeconds);
            w.WriteGauge("process_resident_memory_bytes", "Resident memory size in bytes.", [], process.WorkingSet64);
            w.WriteGauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", [], start);
            w.WriteGauge("process_open_fds", "Number of open file descriptors.", [], process.HandleCount);
            w.WriteCounter("dotnet_gc_allocated_bytes_total", "Bytes allocated on the managed heap since the process started.", [], GC.GetTotalAllocatedBytes(precise: false));
            for (var g = 0; g < Generations.Length; g++)
            {
                w.WriteCounter("dotnet_gc_collections_total", "Garbage collections by generation.", Generations[g], GC.CollectionCount(g));
            }

            w.WriteGauge("dotnet_gc_heap_size_bytes", "Bytes in use on the managed heap after the last collection.", [], GC.GetGCMemoryInfo().HeapSizeBytes);
            w.WriteGauge("dotnet_threadpool_threads", "Thread pool threads.", [], ThreadPool.ThreadCount);
        });
    }
}
