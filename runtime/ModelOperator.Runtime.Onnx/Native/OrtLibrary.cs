using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace ModelOperator.Runtime.Onnx.Native;

/// <summary>
/// A loaded ONNX Runtime library: its path, version and C API table. Libraries are loaded once per
/// path and never unloaded (ONNX Runtime keeps process-wide state and threads).
/// </summary>
internal sealed unsafe class OrtLibrary
{
    private static readonly ConcurrentDictionary<string, Lazy<OrtLibrary>> Loaded = new(StringComparer.Ordinal);

    private OrtLibrary(string path, string version, OrtApi api)
    {
        Path = path;
        Version = version;
        Api = api;
    }

    public string Path { get; }

    public string Version { get; }

    public OrtApi Api { get; }

    /// <summary>Finds (see <see cref="OrtLibraryLocator"/>) and loads the library.</summary>
    public static OrtLibrary Locate(string? explicitPath)
    {
        var candidates = OrtLibraryLocator.Candidates(
            explicitPath,
            Environment.GetEnvironmentVariable(OrtLibraryLocator.EnvironmentVariable),
            AppContext.BaseDirectory,
            Environment.GetEnvironmentVariable("XDG_CACHE_HOME"),
            Environment.GetEnvironmentVariable("HOME"));
        var path = System.IO.Path.GetFullPath(OrtLibraryLocator.Resolve(candidates, File.Exists));
        var lazy = Loaded.GetOrAdd(path, p => new Lazy<OrtLibrary>(() => Load(p)));
        try
        {
            return lazy.Value;
        }
        catch (OnnxRuntimeNotFoundException)
        {
            // Let a later call (after the file was fixed) try again.
            Loaded.TryRemove(new KeyValuePair<string, Lazy<OrtLibrary>>(path, lazy));
            throw;
        }
    }

    private static OrtLibrary Load(string path)
    {
        nint handle;
        try
        {
            handle = NativeLibrary.Load(path);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            throw new OnnxRuntimeNotFoundException(
                OrtLibraryLocator.OneLine($"ONNX Runtime native library at {path} could not be loaded ({e.Message}); {OrtLibraryLocator.FetchHint}."), e);
        }

        if (!NativeLibrary.TryGetExport(handle, "OrtGetApiBase", out var getApiBase))
        {
            throw new OnnxRuntimeNotFoundException(
                $"{path} is not ONNX Runtime: it has no OrtGetApiBase export; {OrtLibraryLocator.FetchHint}.");
        }

        // struct OrtApiBase { const OrtApi* (*GetApi)(uint32_t version); const char* (*GetVersionString)(void); }
        var apiBase = ((delegate* unmanaged[Cdecl]<void**>)getApiBase)();
        if (apiBase == null)
        {
            throw new OnnxRuntimeNotFoundException($"{path}: OrtGetApiBase returned null; {OrtLibraryLocator.FetchHint}.");
        }

        var getApi = (delegate* unmanaged[Cdecl]<uint, nint>)apiBase[0];
        var getVersion = (delegate* unmanaged[Cdecl]<byte*>)apiBase[1];
        var version = Marshal.PtrToStringUTF8((nint)getVersion()) ?? "unknown";
        var api = getApi(OrtApi.ApiVersion);
        if (api == 0)
        {
            throw new OnnxRuntimeNotFoundException(
                $"ONNX Runtime {version} at {path} does not provide C API version {OrtApi.ApiVersion} (ONNX Runtime 1.{OrtApi.ApiVersion} or later is needed); {OrtLibraryLocator.FetchHint}.");
        }

        return new OrtLibrary(path, version, new OrtApi(api));
    }
}
