using System.Runtime.InteropServices;

namespace ModelOperator.Processes;

/// <summary>SIGTERM for a child process (.NET's Process.Kill only sends SIGKILL).</summary>
public static partial class PosixSignals
{
    private const int SigTerm = 15;

    /// <summary>Sends SIGTERM; false when the process is already gone (or on Windows, which has no signals).</summary>
    public static bool Terminate(int pid) => !OperatingSystem.IsWindows() && Kill(pid, SigTerm) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
