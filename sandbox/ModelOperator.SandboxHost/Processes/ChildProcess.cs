using System.Diagnostics;
using ModelOperator.Sandbox.Nodes;

namespace ModelOperator.SandboxHost.Processes;

/// <summary>
/// A long-running child process of the sandbox (Prometheus, an operator replica) with its stdout and stderr appended to
/// a log file. <see cref="StopAsync"/> sends SIGTERM and waits, then SIGKILL; <see cref="Kill"/> is the crash a test
/// wants. Every child is also killed when the sandbox process exits (<see cref="ChildProcesses"/>).
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ChildProcess(string name, Process process, string logPath)
    {
        Name = name;
        _process = process;
        LogPath = logPath;
    }

    public string Name { get; }

    public string LogPath { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>Starts <paramref name="path"/> with <paramref name="args"/>; the environment is this process's plus <paramref name="environment"/>.</summary>
    public static ChildProcess Start(string name, string path, IEnumerable<string> args, string logPath, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logPath))!);
        // sh appends both streams to the log, then execs the program: the pid is the program's own.
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("log=\"$1\"; shift; exec \"$0\" \"$@\" >>\"$log\" 2>&1 </dev/null");
        info.ArgumentList.Add(path);
        info.ArgumentList.Add(logPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        File.AppendAllText(logPath, $"--- {DateTimeOffset.UtcNow:O} starting {path} {string.Join(' ', info.ArgumentList.Skip(4))}{Environment.NewLine}");
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {path}.");
        ChildProcesses.Track(process);
        return new ChildProcess(name, process, logPath);
    }

    /// <summary>SIGKILL at once: a crash, as far as anyone else can tell.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>SIGTERM, then SIGKILL after <paramref name="grace"/>. True when it stopped on SIGTERM.</summary>
    public async Task<bool> StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return true;
        }

        PosixSignals.Terminate(_process.Id);
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            Kill();
            await _process.WaitForExitAsync().ConfigureAwait(false);
            return false;
        }
    }

    /// <summary>The last <paramref name="lines"/> lines of the log, to say why a child failed.</summary>
    public string Tail(int lines = 20)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines + 1)).TrimEnd();
        }
        catch (IOException e)
        {
            return $"(log {LogPath} unreadable: {e.Message})";
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        _process.Dispose();
    }
}
