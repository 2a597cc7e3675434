using System.Diagnostics;
using Microsoft.Win32.SafeHandles;
using Prometheus;

namespace ModelOperator.Metrics;

/// <summary>
/// The process and .NET runtime series both processes export (process_cpu_seconds_total, process_resident_memory_bytes,
/// dotnet_gc_allocated_bytes_total, ...), read just before each scrape. prometheus-net's own default collectors use other
/// names and about 33 families; these keep the names docs/metrics.md documents and the benchmarks read
/// (dotnet_gc_allocated_bytes_total gives allocation per request).
/// </summary>
/// <remarks>
/// Read cheaply, since a model server's whole scrape should take tens of microseconds: CPU time from getrusage
/// (<see cref="Environment.CpuUsage"/>), resident memory from <c>/proc/self/statm</c> read in place, open descriptors by
/// the size the kernel reports for <c>/proc/self/fd</c> (or, on kernels before 6.2, its entries counted without building names). <see cref="Process"/> (which reads and parses several /proc files
/// per property) is used once, for the start time. Where /proc is missing (not Linux) the /proc series fall back to
/// <see cref="Process"/>.
/// </remarks>
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
        var proc = ProcSelf.Open();

        using (var self = Process.GetCurrentProcess())
        {
            start.Set(new DateTimeOffset(self.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0);
        }

        registry.AddBeforeCollectCallback(() =>
        {
            cpu.IncTo(Environment.CpuUsage.TotalTime.TotalSeconds);
            resident.Set(proc.ResidentBytes());
            fds.Set(proc.OpenDescriptors());
            allocated.IncTo(GC.GetTotalAllocatedBytes(precise: false));
            for (var g = 0; g < generations.Length; g++)
            {
                generations[g].IncTo(GC.CollectionCount(g));
            }

            heap.Set(GC.GetGCMemoryInfo().HeapSizeBytes);
            threads.Set(ThreadPool.ThreadCount);
        });
    }

    /// <summary>The two /proc readings, with a fallback to <see cref="Process"/> where /proc is missing.</summary>
    internal sealed class ProcSelf
    {
        private const string Statm = "/proc/self/statm";
        private const string FdDirectory = "/proc/self/fd";

        private readonly SafeFileHandle? _statm;
        private readonly byte[] _buffer = new byte[128];
        private readonly object _gate = new();
        private bool _sizeCounts = true;

        private ProcSelf(SafeFileHandle? statm) => _statm = statm;

        public static ProcSelf Open() =>
            new(File.Exists(Statm) && Directory.Exists(FdDirectory) ? File.OpenHandle(Statm, FileMode.Open, FileAccess.Read) : null);

        /// <summary>Resident pages (the second field of statm) times the page size.</summary>
        public long ResidentBytes()
        {
            if (_statm is null)
            {
                using var process = Process.GetCurrentProcess();
                return process.WorkingSet64;
            }

            lock (_gate)
            {
                int read = RandomAccess.Read(_statm, _buffer, 0);
                ReadOnlySpan<byte> text = _buffer.AsSpan(0, read);
                int space = text.IndexOf((byte)' ');
                long pages = 0;
                for (int i = space + 1; i < text.Length && text[i] is >= (byte)'0' and <= (byte)'9'; i++)
                {
                    pages = (pages * 10) + (text[i] - '0');
                }

                return pages * Environment.SystemPageSize;
            }
        }

        /// <summary>
        /// The number of open descriptors. Linux 6.2 and later report it as the size of the /proc/self/fd directory: one
        /// statx call that counts bits in the kernel's descriptor table, a few microseconds whatever the count. Older
        /// kernels report size 0 (a process always has a descriptor open, so 0 means "not supported"), and there the
        /// entries are counted (<see cref="CountEntries"/>), which costs about 0.2 µs per descriptor.
        /// </summary>
        public int OpenDescriptors()
        {
            if (_statm is null)
            {
                using var process = Process.GetCurrentProcess();
                return process.HandleCount;
            }

            if (Volatile.Read(ref _sizeCounts) && SizeOfDirectory() is > 0 and var size)
            {
                return (int)size;
            }

            Volatile.Write(ref _sizeCounts, false);
            return CountEntries();
        }

        /// <summary>The size the kernel reports for /proc/self/fd, or -1 when statx is missing or fails.</summary>
        internal static long SizeOfDirectory()
        {
            try
            {
                return NativeMethods.StatX(NativeMethods.CurrentDirectory, FdDirectory, 0, NativeMethods.StatXSize, out var buffer) == 0
                    ? (long)buffer.Size
                    : -1;
            }
            catch (EntryPointNotFoundException)
            {
                return -1; // a libc older than glibc 2.28
            }
        }

        /// <summary>
        /// Entries of /proc/self/fd, counted with readdir: .NET's directory enumeration stats every entry (they are
        /// symbolic links), which costs about 20 times as much. The descriptor the enumeration itself holds is not
        /// counted, so both ways report the same number.
        /// </summary>
        internal static int CountEntries()
        {
            nint directory = NativeMethods.OpenDirectory(FdDirectory);
            if (directory == 0)
            {
                return 0;
            }

            int entries = 0;
            while (NativeMethods.ReadDirectory(directory) != 0)
            {
                entries++;
            }

            _ = NativeMethods.CloseDirectory(directory);
            return Math.Max(0, entries - 3); // ".", ".." and the enumeration's own descriptor
        }
    }
}
