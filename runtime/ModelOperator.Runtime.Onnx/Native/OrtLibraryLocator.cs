namespace ModelOperator.Runtime.Onnx.Native;

/// <summary>
/// Decides where the ONNX Runtime native library should be, in order:
/// <list type="number">
/// <item>the path passed to <see cref="OnnxRuntimeEnvironment.Create"/>; if given, only it;</item>
/// <item>else the environment variable <c>ORT_LIBRARY_PATH</c>; if set, only it;</item>
/// <item>else <c>libonnxruntime.so.1</c> beside the application;</item>
/// <item>else the cache <c>scripts/fetch-onnxruntime.sh</c> fills:
/// <c>${XDG_CACHE_HOME:-$HOME/.cache}/modeloperator/onnxruntime-1.30.0/libonnxruntime.so.1</c>.</item>
/// </list>
/// An explicit setting is never silently replaced by a guess: if it names a missing file, that is the error.
/// </summary>
internal static class OrtLibraryLocator
{
    public const string LibraryFileName = "libonnxruntime.so.1";
    public const string EnvironmentVariable = "ORT_LIBRARY_PATH";
    public const string OrtVersion = "1.30.0";
    public const string FetchHint = "run `make native` or scripts/fetch-onnxruntime.sh to fetch ONNX Runtime " + OrtVersion;

    /// <summary>A place to look and why.</summary>
    public readonly record struct Candidate(string Path, string Source);

    /// <summary>The places to look, most specific first (pure: all inputs are parameters).</summary>
    public static IReadOnlyList<Candidate> Candidates(string? explicitPath, string? environmentValue, string baseDirectory, string? xdgCacheHome, string? home)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return [new Candidate(explicitPath, "the path given")];
        }

        if (!string.IsNullOrWhiteSpace(environmentValue))
        {
            return [new Candidate(environmentValue, EnvironmentVariable)];
        }

        var list = new List<Candidate> { new(Path.Combine(baseDirectory, LibraryFileName), "beside the application") };
        var cacheRoot = !string.IsNullOrWhiteSpace(xdgCacheHome) ? xdgCacheHome
            : !string.IsNullOrWhiteSpace(home) ? Path.Combine(home, ".cache")
            : null;
        if (cacheRoot is not null)
        {
            list.Add(new Candidate(Path.Combine(cacheRoot, "modeloperator", "onnxruntime-" + OrtVersion, LibraryFileName), "the default cache"));
        }

        return list;
    }

    /// <summary>The first candidate that exists, or a one-line <see cref="OnnxRuntimeNotFoundException"/> listing them all.</summary>
    public static string Resolve(IReadOnlyList<Candidate> candidates, Func<string, bool> fileExists)
    {
        foreach (var c in candidates)
        {
            if (fileExists(c.Path))
            {
                return c.Path;
            }
        }

        var looked = string.Join("; ", candidates.Select(c => $"{c.Path} ({c.Source})"));
        throw new OnnxRuntimeNotFoundException(OneLine($"ONNX Runtime native library not found: looked for {looked}; {FetchHint}."));
    }

    /// <summary>Collapses line breaks so an exception message stays on one line.</summary>
    public static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
