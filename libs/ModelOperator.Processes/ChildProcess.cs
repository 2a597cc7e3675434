using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace ModelOperator.Processes;

/// <summary>
/// The one child-process helper of the sandbox, the benchmarks and the tests: arguments as a list (no shell quoting),
/// environment and working folder, both streams read as they arrive into bounded memory (and, for a long-running child,
/// appended to a log file), a wait with a timeout, SIGTERM with a grace, and the whole tree killed on dispose. Every
/// child is also killed when this process exits.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    /// <summary>How long <see cref="RunAsync(string, IEnumerable{string}, string?, string?, IReadOnlyDictionary{string, string?}?, TimeSpan?)"/> waits unless told.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    // A stopped child's pipes close at once; this only bounds a grandchild outside the tree that still holds one.
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(5);

    private readonly Process _process;
    private readonly BoundedText _stdout;
    private readonly BoundedText _stderr;
    private readonly AppendLog? _log;
    private readonly Task _io;

    private ChildProcess(string name, ChildProcessOptions options, Process process, AppendLog? log)
    {
        Name = name;
        Options = options;
        _process = process;
        _log = log;
        _stdout = new BoundedText(options.OutputLimit);
        _stderr = new BoundedText(options.OutputLimit);
        _io = Task.WhenAll(
            PumpAsync(process.StandardOutput, _stdout, options.OnStdoutLine, log),
            PumpAsync(process.StandardError, _stderr, options.OnStderrLine, log),
            WriteStdinAsync(process.StandardInput, options.Stdin));
    }

    /// <summary>A short name for messages and logs (the program's file name unless given).</summary>
    public string Name { get; }

    public ChildProcessOptions Options { get; }

    public string? LogPath => Options.LogPath;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>CPU time the child has used so far (user + system): robust to other load on the machine.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Standard output so far: its last <see cref="ChildProcessOptions.OutputLimit"/> characters.</summary>
    public string Stdout => _stdout.ToString();

    /// <summary>Standard error so far: its last <see cref="ChildProcessOptions.OutputLimit"/> characters.</summary>
    public string Stderr => _stderr.ToString();

    /// <summary>Starts the child; <paramref name="name"/> (the program's file name unless given) names it in messages.</summary>
    public static ChildProcess Start(ChildProcessOptions options, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var log = options.LogPath is null ? null : AppendLog.Open(options.LogPath);
        log?.WriteLine($"--- {TimeProvider.System.GetUtcNow():O} starting {options.CommandLine}");
        try
        {
            var process = Process.Start(StartInfo(options))
                ?? throw new InvalidOperationException($"Could not start {options.File}.");
            ChildProcesses.Track(process);
            return new ChildProcess(name ?? Path.GetFileName(options.File), options, process, log);
        }
        catch (Win32Exception e)
        {
            log?.Dispose();
            throw new InvalidOperationException($"Could not start {options.File} (is it installed and on PATH?): {e.Message}", e);
        }
    }

    /// <summary>
    /// A long-running child named <paramref name="name"/> whose output is appended to <paramref name="logPath"/>;
    /// disposing it sends SIGTERM and kills it after 10 s.
    /// </summary>
    public static ChildProcess Start(
        string name, string path, IEnumerable<string> args, string logPath, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new ChildProcessOptions
        {
            File = path,
            Arguments = [.. args],
            Environment = (environment ?? new Dictionary<string, string>()).ToDictionary(kv => kv.Key, string? (kv) => kv.Value),
            WorkingDirectory = workingDirectory,
            LogPath = logPath,
            StopGrace = TimeSpan.FromSeconds(10),
        };
        return Start(options, name);
    }

    /// <summary>Runs a tool to completion; see <see cref="RunAsync(ChildProcessOptions, TimeSpan?, CancellationToken)"/>.</summary>
    /// <param name="environment">Variables to set (a null value removes the variable) on top of this process's own.</param>
    public static Task<ChildProcessResult> RunAsync(
        string file,
        IEnumerable<string> arguments,
        string? stdin = null,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return RunAsync(
            new ChildProcessOptions
            {
                File = file,
                Arguments = [.. arguments],
                Stdin = stdin,
                WorkingDirectory = workingDirectory,
                Environment = environment ?? new Dictionary<string, string?>(),
            },
            timeout);
    }

    /// <summary>
    /// Runs a tool to completion: a child still running after <paramref name="timeout"/> (60 s unless given) is killed
    /// with its children and a <see cref="TimeoutException"/> names the command and what it wrote to stderr.
    /// </summary>
    public static async Task<ChildProcessResult> RunAsync(ChildProcessOptions options, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        await using var child = Start(options);
        return await child.WaitForExitAsync(timeout ?? DefaultTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits for the child to exit and its output to be read. After <paramref name="timeout"/> the tree is killed and a
    /// <see cref="TimeoutException"/> says which command and what it wrote to stderr; on cancellation it is killed too.
    /// </summary>
    public async Task<ChildProcessResult> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cancel.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token).ConfigureAwait(false);
            await _io.WaitAsync(cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"{Options.CommandLine} did not finish in {timeout.TotalSeconds:0.#} s; stderr: {Stderr}");
        }

        return new ChildProcessResult(_process.ExitCode, Stdout, Stderr);
    }

    /// <summary>SIGKILL to the child and its children at once: a crash, as far as anyone else can tell.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        catch (Win32Exception)
        {
            // Exited while being killed.
        }
    }

    /// <summary>SIGTERM, then the tree killed after <paramref name="grace"/>. True when it stopped on SIGTERM.</summary>
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

    /// <summary>The last <paramref name="lines"/> lines it printed (of the log file, when it has one), to say why it failed.</summary>
    public string Tail(int lines = 20)
    {
        string text;
        if (LogPath is null)
        {
            text = Stdout + Stderr;
        }
        else
        {
            try
            {
                using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var reader = new StreamReader(stream);
                text = reader.ReadToEnd();
            }
            catch (IOException e)
            {
                return $"(log {LogPath} unreadable: {e.Message})";
            }
        }

        return string.Join('\n', text.Split('\n').TakeLast(lines + 1)).TrimEnd();
    }

    public async ValueTask DisposeAsync()
    {
        if (Options.StopGrace > TimeSpan.Zero)
        {
            await StopAsync(Options.StopGrace).ConfigureAwait(false);
        }

        Kill();
        await _process.WaitForExitAsync().ConfigureAwait(false);
        try
        {
            await _io.WaitAsync(DrainLimit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A grandchild that left the tree still holds a pipe; what it writes is no longer wanted.
        }

        _log?.Dispose();
        _process.Dispose();
    }

    private static ProcessStartInfo StartInfo(ChildProcessOptions options)
    {
        var info = new ProcessStartInfo(options.File)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (options.WorkingDirectory is not null)
        {
            info.WorkingDirectory = options.WorkingDirectory;
        }

        foreach (var argument in options.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in options.Environment)
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        return info;
    }

    private static async Task PumpAsync(StreamReader reader, BoundedText capture, Action<string>? onLine, AppendLog? log)
    {
        var buffer = new char[4096];
        var line = new StringBuilder();
        int read;
        while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            capture.Append(buffer.AsSpan(0, read));
            log?.Write(buffer.AsSpan(0, read));
            if (onLine is not null)
            {
                SplitLines(buffer.AsSpan(0, read), line, onLine);
            }
        }

        if (onLine is not null && line.Length > 0)
        {
            onLine(line.ToString());
        }
    }

    private static void SplitLines(ReadOnlySpan<char> chunk, StringBuilder line, Action<string> onLine)
    {
        foreach (var c in chunk)
        {
            if (c == '\n')
            {
                onLine(line.ToString().TrimEnd('\r'));
                line.Clear();
            }
            else
            {
                line.Append(c);
            }
        }
    }

    private static async Task WriteStdinAsync(StreamWriter stdin, string? text)
    {
        try
        {
            if (text is not null)
            {
                await stdin.WriteAsync(text).ConfigureAwait(false);
            }

            stdin.Close();
        }
        catch (IOException)
        {
            // The child exited without reading all of it; its exit code and stderr say why.
        }
    }
}
