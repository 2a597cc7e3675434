using Microsoft.ML.OnnxRuntime;

namespace ModelOperator.Runtime.Onnx;

/// <summary>
/// ONNX Runtime in this process: the package's native library (found through the application's
/// deps.json under <c>runtimes/{rid}/native</c>) and its process-wide environment. Create one per
/// process and share it; it is thread-safe.
/// </summary>
public sealed class OnnxRuntimeEnvironment : IDisposable
{
    private static readonly Lock CreateLock = new();
    private volatile bool _disposed;

    private OnnxRuntimeEnvironment(string version) => Version = version;

    /// <summary>ONNX Runtime's version string, e.g. "1.32.0".</summary>
    public string Version { get; }

    /// <summary>
    /// Loads the native library and creates (or joins) the process-wide environment. ONNX Runtime
    /// logs only errors (to stderr); errors reach callers as exceptions.
    /// </summary>
    /// <exception cref="OnnxRuntimeNotFoundException">The native library could not be loaded; the message is one line.</exception>
    public static OnnxRuntimeEnvironment Create()
    {
        try
        {
            OrtEnv env;
            lock (CreateLock)
            {
                if (OrtEnv.IsCreated)
                {
                    env = OrtEnv.Instance();
                }
                else
                {
                    var options = new EnvironmentCreationOptions { logId = "modeloperator", logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
                    env = OrtEnv.CreateInstanceWithOptions(ref options);
                }
            }

            return new OnnxRuntimeEnvironment(env.GetVersionString());
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or TypeInitializationException)
        {
            var cause = e is TypeInitializationException { InnerException: { } inner } ? inner.Message : e.Message;
            throw new OnnxRuntimeNotFoundException(OneLine(
                $"ONNX Runtime's native library (libonnxruntime.so from the Microsoft.ML.OnnxRuntime package, under runtimes/<rid>/native beside the application) could not be loaded: {cause}"), e);
        }
    }

    /// <summary>Marks this handle disposed; the process-wide environment lives as long as the process.</summary>
    public void Dispose() => _disposed = true;

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>Collapses line breaks so an exception message stays on one line.</summary>
    internal static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
