using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace ModelOperator.Runtime.Server.Tests;

/// <summary>The modelserver program as a real child process, for start-up and signal behaviour.</summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly LoopbackPort? _reserved;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();

    private ServerProcess(Process process, int port, LoopbackPort? reserved)
    {
        _process = process;
        _reserved = reserved;
        Port = port;
        process.OutputDataReceived += (_, e) => Forward(e.Data);
        process.ErrorDataReceived += (_, e) => Forward(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }

    public int Pid => _process.Id;

    public List<string> Output { get; } = [];

    /// <summary>
    /// Starts modelserver.dll from <paramref name="appDirectory"/> (default: the test's own output), in
    /// <paramref name="workingDirectory"/>, behind <paramref name="prefix"/> (e.g. setpriv to change user).
    /// </summary>
    public static ServerProcess Start(
        IDictionary<string, string> environment,
        int? port = null,
        string? appDirectory = null,
        string? workingDirectory = null,
        IReadOnlyList<string>? prefix = null)
    {
        var reserved = port is null ? LoopbackPorts.Reserve() : null;
        var chosen = port ?? reserved!.Port;
        var dll = Path.Combine(appDirectory ?? AppContext.BaseDirectory, "modelserver.dll");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var command = prefix is { Count: > 0 } ? prefix[0] : dotnet;
        IEnumerable<string> arguments = prefix is { Count: > 0 } ? [.. prefix.Skip(1), dotnet, dll] : [dll];
        var info = new ProcessStartInfo(command, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        // Only what the test says: settings inherited from a calling shell or make must not leak in.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MODEL_", StringComparison.Ordinal) || k.StartsWith("DRIFT_", StringComparison.Ordinal)
                     || k.StartsWith("AWS_", StringComparison.Ordinal)
                     || k is "MAX_BATCH_SIZE" or "MAX_BATCH_DELAY" or "PREDICTION_BUCKETS" or "LOG_FORMAT").ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["HOST"] = "127.0.0.1";
        info.Environment["PORT"] = chosen.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["GRPC_PORT"] = "0"; // the default 8081 would collide between servers run side by side
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return new ServerProcess(Process.Start(info)!, chosen, reserved);
    }

    /// <summary>Waits for an output line containing <paramref name="fragment"/>; fails with the output so far.</summary>
    public async Task WaitForLineAsync(string fragment, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            while (await _lines.Reader.WaitToReadAsync(cts.Token))
            {
                while (_lines.Reader.TryRead(out var line))
                {
                    if (line.Contains(fragment, StringComparison.Ordinal))
                    {
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        Assert.Fail($"no line with \"{fragment}\"; output:\n{string.Join('\n', Output)}");
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public void Terminate() => Assert.Equal(0, Kill(_process.Id, 15));

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _reserved?.Dispose();
    }

    private void Forward(string? line)
    {
        if (line is null)
        {
            _lines.Writer.TryComplete();
            return;
        }

        lock (Output)
        {
            Output.Add(line);
        }

        _lines.Writer.TryWrite(line);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
