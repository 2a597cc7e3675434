using System.Runtime.InteropServices;

namespace ModelOperator.Sandbox.Nodes;

/// <summary>SIGTERM for a child process (.NET's Process.Kill only sends SIGKILL).</summary>
internal static partial class PosixSignals
{
    private const int SigTerm = 15;

    /// <summary>Sends SIGTERM; false when the process is already gone.</summary>
    public static bool Terminate(int pid) => OperatingSystem.IsWindows() ? false : Kill(pid, SigTerm) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
