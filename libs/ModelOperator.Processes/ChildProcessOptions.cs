namespace ModelOperator.Processes;

/// <summary>How to start a child: the program, its arguments as a list (never through a shell), and where its output goes.</summary>
public sealed record ChildProcessOptions
{
    /// <summary>Characters kept of each stream by default: plenty for a tool's answer, small enough for any test host.</summary>
    public const int DefaultOutputLimit = 4 * 1024 * 1024;

    /// <summary>The program: a path, or a name looked up on PATH.</summary>
    public required string File { get; init; }

    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Variables set on top of this process's own environment; a null value removes the variable.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>The working folder; this process's current folder when null.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Written to standard input, which is then closed; null closes it at once.</summary>
    public string? Stdin { get; init; }

    /// <summary>A file both streams are appended to as they arrive (created with its folder), for a long-running child.</summary>
    public string? LogPath { get; init; }

    /// <summary>How many of the last characters of each stream are kept in memory; older ones are counted and dropped.</summary>
    public int OutputLimit { get; init; } = DefaultOutputLimit;

    /// <summary>Called with every line of standard output as it arrives (a watch, a progress line).</summary>
    public Action<string>? OnStdoutLine { get; init; }

    /// <summary>Called with every line of standard error as it arrives (forwarding a server's log).</summary>
    public Action<string>? OnStderrLine { get; init; }

    /// <summary>
    /// On dispose: how long to wait after SIGTERM before killing. Zero (the default) kills the whole tree at once; with a
    /// grace, a child that exits on SIGTERM is trusted to stop its own children.
    /// </summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.Zero;

    /// <summary>The command as a person would type it, for messages.</summary>
    public string CommandLine => Arguments.Count == 0 ? File : $"{File} {string.Join(' ', Arguments)}";
}
