using System.Globalization;
using System.Runtime.InteropServices;

namespace ModelOperator.Benchmarks;

/// <summary>
/// Pins a process to one core for a measurement: every thread it has now (sched_setaffinity works per thread on Linux,
/// so Process.ProcessorAffinity would move only the main one) and, by inheritance, every thread those create. With the
/// server on one core and the load generator on the other, a closed loop measures what the server alone can serve, as
/// in a cluster where clients run elsewhere. Linux only; elsewhere, and on a machine with fewer than two cores,
/// <see cref="Available"/> is false.
/// </summary>
internal static partial class CpuPinning
{
    // The cores this process may use when the bench starts (a cpuset may give it others than 0 and 1).
    private static readonly Lazy<ulong> Allowed = new(() => SchedGetAffinity(0, sizeof(ulong), out var mask) == 0 ? mask : 0);

    public static bool Available => OperatingSystem.IsLinux() && ulong.PopCount(Allowed.Value) >= 2;

    /// <summary>Pins <paramref name="pid"/> to the <paramref name="core"/>-th allowed core; null puts it back on all of them.</summary>
    public static void Pin(int pid, int? core)
    {
        var mask = Allowed.Value;
        for (var skip = 0; core is { } c && skip < c; skip++)
        {
            mask &= mask - 1;
        }

        if (core is not null)
        {
            mask &= ~mask + 1; // the lowest core left
        }

        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            var tid = int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture);
            // A thread that ended since the listing is no error.
            if (SchedSetAffinity(tid, sizeof(ulong), ref mask) != 0 && Directory.Exists(task))
            {
                throw new InvalidOperationException($"sched_setaffinity({tid}) failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    private static partial int SchedGetAffinity(int pid, nint size, out ulong mask);

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int pid, nint size, ref ulong mask);
}
