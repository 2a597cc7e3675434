using ModelOperator.Testing;
using Prometheus;

namespace ModelOperator.Metrics.Tests;

public sealed class ProcessMetricsTests
{
    [Theory]
    [InlineData("process_cpu_seconds_total", "counter")]
    [InlineData("process_resident_memory_bytes", "gauge")]
    [InlineData("process_start_time_seconds", "gauge")]
    [InlineData("process_open_fds", "gauge")]
    [InlineData("dotnet_gc_allocated_bytes_total", "counter")]
    [InlineData("dotnet_gc_collections_total", "counter")]
    [InlineData("dotnet_gc_heap_size_bytes", "gauge")]
    [InlineData("dotnet_threadpool_threads", "gauge")]
    public void The_documented_process_series_keep_their_names_and_types(string name, string type)
    {
        CollectorRegistry registry = Prometheus.Metrics.NewCustomRegistry();
        ProcessMetrics.Register(registry);

        string text = registry.Scrape();

        Assert.Contains($"# TYPE {name} {type}\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_documented_families_are_exported_none_of_the_default_registry()
    {
        CollectorRegistry registry = Prometheus.Metrics.NewCustomRegistry();
        ProcessMetrics.Register(registry);

        var families = registry.Scrape().Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).ToList();

        Assert.Equal(8, families.Count);
    }

    [Fact]
    public void Values_are_read_at_each_scrape()
    {
        CollectorRegistry registry = Prometheus.Metrics.NewCustomRegistry();
        ProcessMetrics.Register(registry);
        double before = Value(registry.Scrape(), "dotnet_gc_allocated_bytes_total");

        GC.KeepAlive(new byte[1 << 20]);
        string after = registry.Scrape();

        Assert.True(Value(after, "dotnet_gc_allocated_bytes_total") >= before + (1 << 20));
        Assert.True(Value(after, "process_resident_memory_bytes") > 0);
        Assert.True(Value(after, "process_open_fds") > 0);
        double start = Value(after, "process_start_time_seconds");
        // The start time comes from the boot time (whole seconds in /proc/stat) plus the process's start ticks, so it can
        // read up to a second after the wall clock for a process started a moment ago.
        Assert.InRange((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0) - start, -2, 24 * 3600);
        Assert.Contains("dotnet_gc_collections_total{generation=\"2\"} ", after, StringComparison.Ordinal);
    }

    [Fact]
    public void Memory_and_descriptors_read_from_proc_agree_with_the_Process_class()
    {
        CollectorRegistry registry = Prometheus.Metrics.NewCustomRegistry();
        ProcessMetrics.Register(registry);

        string text = registry.Scrape();
        using var process = System.Diagnostics.Process.GetCurrentProcess();

        // Both read the kernel's view a moment apart: within 10 % (memory) and a few descriptors.
        Assert.InRange(Value(text, "process_resident_memory_bytes"), process.WorkingSet64 * 0.9, process.WorkingSet64 * 1.1);
        Assert.InRange(Value(text, "process_open_fds"), process.HandleCount - 5, process.HandleCount + 5);
        Assert.InRange(Value(text, "process_cpu_seconds_total"), 0.01, process.TotalProcessorTime.TotalSeconds + 1);
    }

    [Fact]
    public async Task Promtool_accepts_the_process_series()
    {
        CollectorRegistry registry = Prometheus.Metrics.NewCustomRegistry();
        ProcessMetrics.Register(registry);

        await Promtool.AssertAcceptsAsync(registry.Scrape());
    }

    private static double Value(string text, string name) =>
        double.Parse(
            text.Split('\n').Single(l => l.StartsWith(name + " ", StringComparison.Ordinal))[(name.Length + 1)..],
            System.Globalization.CultureInfo.InvariantCulture);
}
