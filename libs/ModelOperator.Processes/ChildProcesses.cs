using System.Collections.Concurrent;
using System.Diagnostics;

namespace ModelOperator.Processes;

/// <summary>
/// A last line of defence: every child started through <see cref="ChildProcess"/> (and every process handed to
/// <see cref="Track"/>, such as the sandbox's pods) is killed with its children when this process exits, even if nobody
/// disposed it (a test host torn down after a failure, a benchmark that threw).
/// </summary>
public static class ChildProcesses
{
    private static readonly ConcurrentDictionary<int, Process> Live = new();

    static ChildProcesses() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();

    public static void Track(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        var id = process.Id;
        Live[id] = process;
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => Live.TryRemove(id, out _);
    }

    private static void KillAll()
    {
        foreach (var process in Live.Values)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }
    }
}
