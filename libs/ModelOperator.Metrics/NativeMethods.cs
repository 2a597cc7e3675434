using System.Runtime.InteropServices;

namespace ModelOperator.Metrics;

/// <summary>libc calls for counting /proc/self/fd cheaply (Linux only; callers check that /proc exists).</summary>
internal static partial class NativeMethods
{
    /// <summary>statx's "relative to the working directory" descriptor; the path given is absolute anyway.</summary>
    internal const int CurrentDirectory = -100;

    /// <summary>STATX_SIZE: the only field asked for.</summary>
    internal const uint StatXSize = 0x200;

    [LibraryImport("libc", EntryPoint = "opendir", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint OpenDirectory(string path);

    [LibraryImport("libc", EntryPoint = "readdir")]
    internal static partial nint ReadDirectory(nint directory);

    [LibraryImport("libc", EntryPoint = "closedir")]
    internal static partial int CloseDirectory(nint directory);

    /// <summary>
    /// statx(2). Chosen over stat(2) because its buffer has one layout on every architecture (stat's differs between
    /// x86-64 and arm64). Short paths are marshalled on the stack, so a call allocates nothing.
    /// </summary>
    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int StatX(int directory, string path, int flags, uint mask, out StatXBuffer buffer);

    /// <summary>struct statx (linux/stat.h): 256 bytes, of which only stx_size (offset 40) is read.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    internal struct StatXBuffer
    {
        [FieldOffset(40)]
        public ulong Size;
    }
}
