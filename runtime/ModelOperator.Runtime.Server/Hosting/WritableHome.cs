using System.Runtime.InteropServices;

namespace ModelOperator.Runtime.Server.Hosting;

/// <summary>
/// ONNX Runtime (and .NET) write caches under <c>$HOME/.cache</c>. In a pod with a read-only root
/// filesystem, running as a user whose home does not exist or cannot be written, that would fail;
/// so before anything native starts, a HOME that cannot be written is replaced by a folder under
/// the temporary directory (the pod's writable /tmp emptyDir), and so is XDG_CACHE_HOME. The
/// change is made in the native environment too, where ONNX Runtime reads it.
/// </summary>
internal static partial class WritableHome
{
    /// <summary>Moves HOME (and XDG_CACHE_HOME) somewhere writable if needed; returns what was done, or null.</summary>
    public static string? Ensure()
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        var home = Environment.GetEnvironmentVariable("HOME");
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (home is { Length: > 0 } && IsWritable(home) && (cache is null or { Length: 0 } || IsWritable(cache)))
        {
            return null;
        }

        var fallback = Path.Combine(Path.GetTempPath(), "modelserver-home");
        try
        {
            Directory.CreateDirectory(Path.Combine(fallback, ".cache"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"HOME ({home ?? "unset"}) is not writable and neither is {fallback} ({ex.Message}); caches will fail";
        }

        Set("HOME", fallback);
        Set("XDG_CACHE_HOME", Path.Combine(fallback, ".cache"));
        return $"HOME ({home ?? "unset"}) is not writable; using {fallback} for caches (ONNX Runtime writes under ~/.cache)";
    }

    private static bool IsWritable(string directory)
    {
        try
        {
            var probe = Path.Combine(directory, $".modelserver-probe-{Environment.ProcessId}");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void Set(string name, string value)
    {
        Environment.SetEnvironmentVariable(name, value);
        _ = SetNative(name, value, 1); // .NET keeps its own copy; native libraries read libc's
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetNative(string name, string value, int overwrite);
}
