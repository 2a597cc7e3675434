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

    /// <summary>
    /// Descriptors of the whole process are counted, and other work in the test host (a pooled connection closing,
    /// a finalizer releasing a handle, the end-to-end suite's children in the same CI job) can move the count by
    /// more than the slack between two scrapes. A broken collector misses in every attempt; noise does not repeat.
    /// </summary>
    private const int Attempts = 5;

    [Fact]
    public void The_scraped_count_rises_and_falls_with_files_opened_and_closed()
    {
        CollectorRegistry registry = Prometheus.Metrics.NewCustomRegistry();
        ProcessMetrics.Register(registry);
        var misses = new List<string>();
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            Settle();
            double before = OpenFds(registry);
            var handles = OpenFiles();
            double opened = OpenFds(registry);
            handles.ForEach(h => h.Dispose());
            double closed = OpenFds(registry);

            if (Near(opened - before) && Near(opened - closed))
            {
                return;
            }
            misses.Add($"before {before}, with {Files} more files {opened}, after closing them {closed}");
        }
        Assert.Fail($"process_open_fds did not follow {Files} opened and closed files in {Attempts} attempts: " +
            string.Join("; ", misses));
    }

    [Fact]
    public void The_kernels_directory_size_and_the_counted_entries_agree_and_both_follow_open_files()
    {
        var misses = new List<string>();
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            Settle();
            long sizeBefore = ProcessMetrics.ProcSelf.SizeOfDirectory();
            int entriesBefore = ProcessMetrics.ProcSelf.CountEntries();

            var handles = OpenFiles();
            long size = ProcessMetrics.ProcSelf.SizeOfDirectory();
            int entries = ProcessMetrics.ProcSelf.CountEntries();
            handles.ForEach(h => h.Dispose());

            // Linux 6.2 and later report the count as the directory's size; older kernels report 0, and the
            // collector counts entries instead (which the first condition covers).
            bool sizeAgrees = sizeBefore == 0 || (Math.Abs(size - entries) <= Slack && Near(size - sizeBefore));
            if (Near(entries - entriesBefore) && sizeAgrees)
            {
                return;
            }
            misses.Add($"entries {entriesBefore} then {entries}, directory size {sizeBefore} then {size}");
        }
        Assert.Fail($"/proc/self/fd did not follow {Files} opened files in {Attempts} attempts: " + string.Join("; ", misses));
    }

    private static bool Near(double delta) => delta >= Files - Slack && delta <= Files + Slack;

    /// <summary>Lets handles already dropped by earlier tests be finalized before a measurement, not during it.</summary>
    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
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
