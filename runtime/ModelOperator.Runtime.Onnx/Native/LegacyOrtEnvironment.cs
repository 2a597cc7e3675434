using System.Text;

namespace ModelOperator.Runtime.Onnx.Native;

/// <summary>
/// The loaded ONNX Runtime library and its process-wide environment. Create one per process and
/// share it; it is thread-safe. Sessions keep it alive until they are disposed.
/// </summary>
internal sealed unsafe class LegacyOrtEnvironment : IDisposable
{
    // OrtLoggingLevel: 0 verbose, 1 info, 2 warning, 3 error, 4 fatal. Errors reach callers as
    // statuses, so only errors are logged (to stderr, by ONNX Runtime's default logger).
    private const int LogSeverityError = 3;

    // OrtAllocatorType OrtDeviceAllocator = 0, OrtMemType OrtMemTypeDefault = 0.
    private const int OrtDeviceAllocator = 0;
    private const int OrtMemTypeDefault = 0;

    private LegacyOrtEnvironment(OrtLibrary library, OrtEnvHandle env, OrtMemoryInfoHandle cpuMemory)
    {
        Library = library;
        EnvHandle = env;
        CpuMemory = cpuMemory;
    }

    /// <summary>Full path of the native library in use.</summary>
    public string LibraryPath => Library.Path;

    /// <summary>ONNX Runtime's version string, e.g. "1.30.0".</summary>
    public string Version => Library.Version;

    internal OrtLibrary Library { get; }

    internal OrtApi Api => Library.Api;

    internal OrtEnvHandle EnvHandle { get; }

    internal OrtMemoryInfoHandle CpuMemory { get; }

    /// <summary>
    /// Loads ONNX Runtime from <paramref name="libraryPath"/>, else <c>ORT_LIBRARY_PATH</c>, else
    /// <c>libonnxruntime.so.1</c> beside the application, else the cache filled by
    /// <c>scripts/fetch-onnxruntime.sh</c>, and creates the environment.
    /// </summary>
    /// <exception cref="OnnxRuntimeNotFoundException">No usable library was found; the message is one line.</exception>
    public static LegacyOrtEnvironment Create(string? libraryPath = null)
    {
        var library = OrtLibrary.Locate(libraryPath);
        var api = library.Api;
        nint env;
        var logId = Encoding.UTF8.GetBytes("modeloperator\0");
        fixed (byte* id = logId)
        {
            api.Check(api.CreateEnv(LogSeverityError, id, &env));
        }

        var envHandle = new OrtEnvHandle(api, env);
        try
        {
            nint memoryInfo;
            api.Check(api.CreateCpuMemoryInfo(OrtDeviceAllocator, OrtMemTypeDefault, &memoryInfo));
            return new LegacyOrtEnvironment(library, envHandle, new OrtMemoryInfoHandle(api, memoryInfo));
        }
        catch
        {
            envHandle.Dispose();
            throw;
        }
    }

    /// <summary>Releases this reference to the environment; sessions still open keep it alive.</summary>
    public void Dispose()
    {
        CpuMemory.Dispose();
        EnvHandle.Dispose();
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(EnvHandle.IsClosed, this);
}
