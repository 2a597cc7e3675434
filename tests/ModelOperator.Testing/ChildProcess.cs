using System.Diagnostics;
using System.Text;

namespace ModelOperator.Testing;

/// <summary>What a finished child process printed and returned.</summary>
public sealed record ChildProcessResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Standard output then standard error, as a tool's whole answer (promtool writes to both).</summary>
    public string Output => Stdout + Stderr;
}

/// <summary>
/// The one way the tests run a tool to completion (promtool, kubectl, lua, go): arguments passed as a list (no shell
/// quoting), UTF-8 output captured, optional standard input, working folder and environment, and a bounded run: a
/// process still running at the timeout is killed with its children and the test fails with what it printed.
/// </summary>
public static class ChildProcess
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <param name="environment">Variables to set (a null value removes the variable) on top of this process's own.</param>
    public static async Task<ChildProcessResult> RunAsync(
        string file,
        IEnumerable<string> arguments,
        string? stdin = null,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null)
    {
        var info = StartInfo(file, arguments, workingDirectory, environment);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin).ConfigureAwait(false);
        }

        process.StandardInput.Close();
        var limit = timeout ?? DefaultTimeout;
        using var cancel = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(
                $"{file} {string.Join(' ', info.ArgumentList)} did not finish in {limit.TotalSeconds:0} s; stderr: {await stderr.ConfigureAwait(false)}");
        }

        return new ChildProcessResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    /// <summary>
    /// How every child of the tests starts: the arguments as a list, all three streams redirected (UTF-8), no shell, the
    /// working folder, and <paramref name="environment"/> on top of this process's (a null value removes a variable).
    /// </summary>
    public static ProcessStartInfo StartInfo(
        string file, IEnumerable<string> arguments, string? workingDirectory = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (workingDirectory is not null)
        {
            info.WorkingDirectory = workingDirectory;
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
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
}
