using System.Runtime.InteropServices;

namespace ModelOperator.Metrics;

/// <summary>libc's directory reading, for counting /proc/self/fd cheaply (Linux only; callers check /proc exists).</summary>
internal static partial class NativeMethods
{
    [LibraryImport("libc", EntryPoint = "opendir", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint OpenDirectory(string path);

    [LibraryImport("libc", EntryPoint = "readdir")]
    internal static partial nint ReadDirectory(nint directory);

    [LibraryImport("libc", EntryPoint = "closedir")]
    internal static partial int CloseDirectory(nint directory);
}
