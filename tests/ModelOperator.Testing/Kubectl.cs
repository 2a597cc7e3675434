using System.Diagnostics;
using System.Text;

namespace ModelOperator.Testing;

/// <summary>
/// Runs the real kubectl against a kubeconfig, with its own cache and home folders, a bounded
/// timeout on every process, and stdout/stderr captured for assertions and failure messages.
/// The one kubectl runner of the test projects.
/// </summary>
public sealed class Kubectl
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);
    private readonly string _kubeconfig;
    private readonly string _workDir;

    public Kubectl(string kubeconfig, string workDir)
    {
        _kubeconfig = kubeconfig;
        _workDir = workDir;
    }

    /// <summary>The kubectl binary: KUBECTL if set, otherwise kubectl on PATH.</summary>
    public static string Binary => Environment.GetEnvironmentVariable("KUBECTL") is { Length: > 0 } k ? k : "kubectl";

    public async Task<KubectlResult> RunAsync(params string[] args) => await RunWithInputAsync(null, args);

    public async Task<KubectlResult> RunWithInputAsync(string? stdin, params string[] args)
    {
        var result = await ChildProcess.RunAsync(Binary, Arguments(args), stdin, _workDir, ChildEnvironment(), DefaultTimeout);
        return new KubectlResult(args, result.ExitCode, result.Stdout, result.Stderr);
    }

    /// <summary>Applies a manifest given as text (through stdin) and expects success.</summary>
    public async Task<KubectlResult> ApplyAsync(string manifest, params string[] extra) =>
        (await RunWithInputAsync(manifest, ["apply", "-f", "-", .. extra])).EnsureSuccess();

    /// <summary>Starts a long-running kubectl (e.g. <c>get -w</c>) whose output lines can be awaited.</summary>
    public KubectlStream Start(params string[] args)
    {
        var process = Create(args);
        return new KubectlStream(process, args);
    }

    private Process Create(string[] args) =>
        new() { StartInfo = ChildProcess.StartInfo(Binary, Arguments(args), _workDir, ChildEnvironment()) };

    // Its own kubeconfig, cache and home: nothing of the machine's kubectl setup leaks into a test.
    private IEnumerable<string> Arguments(string[] args) =>
        ["--kubeconfig", _kubeconfig, "--cache-dir", Path.Combine(_workDir, "kube-cache"), .. args];

    private Dictionary<string, string?> ChildEnvironment() => new() { ["HOME"] = _workDir, ["KUBECONFIG"] = null };
}

public sealed record KubectlResult(string[] Args, int ExitCode, string Stdout, string Stderr)
{
    public KubectlResult EnsureSuccess()
    {
        if (ExitCode != 0)
        {
            throw new InvalidOperationException($"kubectl {string.Join(' ', Args)} exited {ExitCode}.\nstderr: {Stderr}\nstdout: {Stdout}");
        }

        return this;
    }

    public string[] Lines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>A running kubectl whose stdout lines arrive in a channel; disposing kills it.</summary>
public sealed class KubectlStream : IDisposable
{
    private readonly Process _process;
    private readonly string[] _args;
    private readonly System.Threading.Channels.Channel<string> _lines = System.Threading.Channels.Channel.CreateUnbounded<string>();
    private readonly StringBuilder _stderr = new();

    public KubectlStream(Process process, string[] args)
    {
        _process = process;
        _args = args;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _lines.Writer.TryComplete();
            }
            else
            {
                _lines.Writer.TryWrite(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Reads lines until one satisfies <paramref name="match"/>; fails with kubectl's stderr on timeout or exit.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        var seen = new List<string>();
        try
        {
            while (await _lines.Reader.WaitToReadAsync(cts.Token))
            {
                while (_lines.Reader.TryRead(out var line))
                {
                    seen.Add(line);
                    if (match(line))
                    {
                        return line;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Reported below.
        }

        string stderr;
        lock (_stderr)
        {
            stderr = _stderr.ToString();
        }

        throw new InvalidOperationException($"kubectl {string.Join(' ', _args)} did not print the expected line.\nseen: {string.Join("\n", seen)}\nstderr: {stderr}");
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }
}
