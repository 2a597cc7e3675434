using System.Diagnostics;
using System.Text;

namespace ModelOperator.Api.Tests.Support;

/// <summary>
/// Runs the real kubectl (KUBECTL, or kubectl on PATH) against one kubeconfig, with its own home and cache folders
/// and a bounded time per call; output is captured for assertions and failure messages.
/// </summary>
internal sealed class Kubectl(string kubeconfig, string workDir)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static string Binary => Environment.GetEnvironmentVariable("KUBECTL") is { Length: > 0 } k ? k : "kubectl";

    public Task<KubectlResult> RunAsync(params string[] args) => RunWithInputAsync(null, args);

    public async Task<KubectlResult> RunWithInputAsync(string? stdin, params string[] args)
    {
        var info = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workDir,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in (string[])["--kubeconfig", kubeconfig, "--cache-dir", Path.Combine(workDir, "kube-cache"), .. args])
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["HOME"] = workDir;
        info.Environment.Remove("KUBECONFIG");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', args)} did not finish in {Timeout}; stderr: {await stderr}");
        }

        return new KubectlResult(args, process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Applies a manifest given as text and expects success.</summary>
    public async Task<KubectlResult> ApplyAsync(string manifest) =>
        (await RunWithInputAsync(manifest, "apply", "-f", "-")).EnsureSuccess();
}

internal sealed record KubectlResult(string[] Args, int ExitCode, string Stdout, string Stderr)
{
    public KubectlResult EnsureSuccess() => ExitCode == 0
        ? this
        : throw new InvalidOperationException($"kubectl {string.Join(' ', Args)} exited {ExitCode}.\nstderr: {Stderr}\nstdout: {Stdout}");
}
