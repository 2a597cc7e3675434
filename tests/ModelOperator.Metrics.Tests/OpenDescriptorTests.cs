using Microsoft.Win32.SafeHandles;
using ModelOperator.Testing;
using Prometheus;

namespace ModelOperator.Metrics.Tests;

/// <summary>
/// process_open_fds follows what the process really holds, scrape after scrape. Run alone (no other test class in
/// parallel), since other tests open sockets and files that would blur the counts.
/// </summary>
[Collection(nameof(OpenDescriptorTests))]
[CollectionDefinition(nameof(OpenDescriptorTests), DisableParallelization = true)]
public sealed class OpenDescriptorTests
{
    private const int Files = 100;

    /// <summary>A few descriptors may come and go on the runtime's own threads (timers, the thread pool) meanwhile.</summary>
    private const int Slack = 3;

    [Fact]
    public void The_scraped_count_rises_and_falls_with_files_opened_and_closed()
    {
        CollectorRegistry registry = Prometheus.Metrics.NewCustomRegistry();
        ProcessMetrics.Register(registry);
        double before = OpenFds(registry);

        var handles = OpenFiles();
        double opened = OpenFds(registry);
        handles.ForEach(h => h.Dispose());
        double closed = OpenFds(registry);

        Assert.InRange(opened - before, Files - Slack, Files + Slack);
        Assert.InRange(opened - closed, Files - Slack, Files + Slack);
    }

    [Fact]
    public void The_kernels_directory_size_and_the_counted_entries_agree_and_both_follow_open_files()
    {
        long sizeBefore = ProcessMetrics.ProcSelf.SizeOfDirectory();
        int entriesBefore = ProcessMetrics.ProcSelf.CountEntries();

        var handles = OpenFiles();
        long size = ProcessMetrics.ProcSelf.SizeOfDirectory();
        int entries = ProcessMetrics.ProcSelf.CountEntries();
        handles.ForEach(h => h.Dispose());

        Assert.InRange(entries - entriesBefore, Files - Slack, Files + Slack);

        // Linux 6.2 and later report the count as the directory's size; older kernels report 0, and the collector
        // counts entries instead (which the assertion above covers).
        if (sizeBefore > 0)
        {
            Assert.InRange(size, entries - Slack, entries + Slack);
            Assert.InRange(size - sizeBefore, Files - Slack, Files + Slack);
        }
    }

    private static List<SafeFileHandle> OpenFiles() =>
        [.. Enumerable.Range(0, Files).Select(_ => File.OpenHandle(typeof(OpenDescriptorTests).Assembly.Location, FileMode.Open, FileAccess.Read, FileShare.Read))];

    private static double OpenFds(CollectorRegistry registry)
    {
        const string name = "process_open_fds ";
        string line = registry.Scrape().Split('\n').Single(l => l.StartsWith(name, StringComparison.Ordinal));
        return double.Parse(line[name.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
