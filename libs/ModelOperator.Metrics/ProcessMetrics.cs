using System.Diagnostics;
using Prometheus;

namespace ModelOperator.Metrics;

/// <summary>
/// The process and .NET runtime series both processes export (process_cpu_seconds_total, process_resident_memory_bytes,
/// dotnet_gc_allocated_bytes_total, ...), read just before each scrape. prometheus-net's own default collectors use other
/// names and about 33 families; these keep the names docs/metrics.md documents and the benchmarks read
/// (dotnet_gc_allocated_bytes_total gives allocation per request).
/// </summary>
public static class ProcessMetrics
{
    /// <summary>Registers the process series on <paramref name="registry"/>, refreshed by a before-collect callback.</summary>
    public static void Register(CollectorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        IMetricFactory factory = Prometheus.Metrics.WithCustomRegistry(registry);
        Counter cpu = factory.CreateCounter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.");
        Gauge resident = factory.CreateGauge("process_resident_memory_bytes", "Resident memory size in bytes.");
        Gauge start = factory.CreateGauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.");
        Gauge fds = factory.CreateGauge("process_open_fds", "Number of open file descriptors.");
        Counter allocated = factory.CreateCounter("dotnet_gc_allocated_bytes_total", "Bytes allocated on the managed heap since the process started.");
        Counter collections = factory.CreateCounter("dotnet_gc_collections_total", "Garbage collections by generation.", ["generation"]);
        Gauge heap = factory.CreateGauge("dotnet_gc_heap_size_bytes", "Bytes in use on the managed heap after the last collection.");
        Gauge threads = factory.CreateGauge("dotnet_threadpool_threads", "Thread pool threads.");
        Counter.Child[] generations = [collections.WithLabels("0"), collections.WithLabels("1"), collections.WithLabels("2")];

        using (var self = Process.GetCurrentProcess())
        {
            start.Set(new DateTimeOffset(self.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0);
        }

        registry.AddBeforeCollectCallback(() =>
        {
            using var process = Process.GetCurrentProcess();
            cpu.IncTo(process.TotalProcessorTime.TotalSeconds);
            resident.Set(process.WorkingSet64);
            fds.Set(process.HandleCount);
            allocated.IncTo(GC.GetTotalAllocatedBytes(precise: false));
            for (var g = 0; g < generations.Length; g++)
            {
                generations[g].IncTo(GC.CollectionCount(g));
            }

            heap.Set(GC.GetGCMemoryInfo().HeapSizeBytes);
            threads.Set(ThreadPool.ThreadCount);
        });
    }
}
