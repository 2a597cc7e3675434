using System.ComponentModel;
using System.Globalization;
using System.Runtime.InteropServices;

namespace ModelOperator.Benchmarks;

/// <summary>
/// Pins whole processes to chosen cores (Linux sched_setaffinity), so that a benchmark can give a server under
/// measurement cores of its own, as it would have on its own pod, instead of sharing them with its load client and its
/// peers. Every thread a process has is pinned; a thread started later inherits the mask of the thread that starts it,
/// so the process stays pinned. <see cref="Unpin"/> gives a process every core this one started with.
/// </summary>
internal static partial class CpuPinning
{
    private const int Esrch = 3;

    // Up to 1024 cores, the kernel's default cpu_set_t.
    private const int MaskBytes = 128;

    private static readonly byte[] Everywhere = StartingMask();

    /// <summary>Whether pinning can split this machine: Linux with at least two usable cores.</summary>
    public static bool Available => OperatingSystem.IsLinux() && Cores().Count >= 2;

    /// <summary>The cores this process may run on, lowest first (the first ones when pinning).</summary>
    public static IReadOnlyList<int> Cores()
    {
        var cores = new List<int>();
        for (var i = 0; i < Everywhere.Length * 8; i++)
        {
            if ((Everywhere[i / 8] & (1 << (i % 8))) != 0)
            {
                cores.Add(i);
            }
        }

        return cores;
    }

    /// <summary>Pins every thread of process <paramref name="pid"/> to <paramref name="core"/>.</summary>
    public static void Pin(int pid, int core)
    {
        var mask = new byte[MaskBytes];
        mask[core / 8] = (byte)(1 << (core % 8));
        Apply(pid, mask);
    }

    /// <summary>Lets every thread of process <paramref name="pid"/> run on every core this process started with.</summary>
    public static void Unpin(int pid) => Apply(pid, Everywhere);

    private static void Apply(int pid, byte[] mask)
    {
        // Two passes: a thread started during the first by a thread not yet pinned is caught by the second.
        for (var pass = 0; pass < 2; pass++)
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                var tid = int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture);
                if (SchedSetAffinity(tid, MaskBytes, mask) != 0 && Marshal.GetLastPInvokeError() is var errno && errno != Esrch)
                {
                    // ESRCH: the thread ended since the folder was listed, nothing to pin.
                    throw new Win32Exception(errno, $"sched_setaffinity({tid}) of process {pid} failed");
                }
            }
        }
    }

    private static byte[] StartingMask()
    {
        var mask = new byte[MaskBytes];
        if (OperatingSystem.IsLinux() && SchedGetAffinity(Environment.ProcessId, MaskBytes, mask) < 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "sched_getaffinity of the benchmark process failed");
        }

        return mask;
    }

    [LibraryImport("libc.so.6", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int tid, nint size, byte[] mask);

    [LibraryImport("libc.so.6", EntryPoint = "sched_getaffinity", SetLastError = true)]
    private static partial int SchedGetAffinity(int tid, nint size, byte[] mask);
}
