using System.Collections.Concurrent;
using System.Diagnostics;

namespace ModelOperator.Sandbox.Nodes;

/// <summary>
/// A last line of defence: every process the agent started is killed when this process exits, even if no
/// agent was disposed (e.g. a test host torn down after a failure).
/// </summary>
internal static class ChildProcesses
{
    private static readonly ConcurrentDictionary<int, Process> Live = new();

    static ChildProcesses() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();

    public static void Track(Process process)
    {
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
            }
        }
    }
}
