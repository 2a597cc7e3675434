using System.Diagnostics;
using System.Text;

namespace ModelOperator.Operator.Tests.Support;

/// <summary>
/// The real kubectl (KUBECTL, or kubectl on PATH) against one kubeconfig, with its own home and cache folder (a temp
/// folder removed on dispose) and a bounded time per call.
/// </summary>
internal sealed class Kubectl : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _dir;
    private readonly string _kubeconfig;

    public Kubectl(Func<string, string> writeKubeconfig)
    {
        ArgumentNullException.ThrowIfNull(writeKubeconfig);
        _dir = Path.Combine(Path.GetTempPath(), "operator-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        _kubeconfig = writeKubeconfig(Path.Combine(_dir, "kubeconfig"));
    }

    private static string Binary => Environment.GetEnvironmentVariable("KUBECTL") is { Length: > 0 } k ? k : "kubectl";

    /// <summary>Runs kubectl and returns its standard output; a non-zero exit fails with what kubectl said.</summary>
    public async Task<string> RunAsync(params string[] args)
    {
        var info = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _dir,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in (string[])["--kubeconfig", _kubeconfig, "--cache-dir", Path.Combine(_dir, "cache"), .. args])
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["HOME"] = _dir;
        info.Environment.Remove("KUBECONFIG");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', args)} did not finish in {Timeout}");
        }

        return process.ExitCode == 0
            ? await stdout
            : throw new InvalidOperationException($"kubectl {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // a kubectl child may still hold a cache file; the temp folder goes later
        }
    }
}
