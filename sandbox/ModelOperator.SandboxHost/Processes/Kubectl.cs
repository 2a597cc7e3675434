using System.Diagnostics;

namespace ModelOperator.SandboxHost.Processes;

/// <summary>The real kubectl, pointed at the sandbox's kubeconfig (and only at it: KUBECONFIG is set for every call).</summary>
public sealed class Kubectl(string kubeconfig, string? workingDirectory = null)
{
    public string Kubeconfig { get; } = kubeconfig;

    public async Task<KubectlResult> RunAsync(IEnumerable<string> args, string? stdin = null, CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo("kubectl")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["KUBECONFIG"] = Kubeconfig;
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start kubectl; is it on PATH?");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin).ConfigureAwait(false);
            process.StandardInput.Close();
        }

        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return new KubectlResult(string.Join(' ', info.ArgumentList), process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    public Task<KubectlResult> RunAsync(params string[] args) => RunAsync(args, null, CancellationToken.None);
}

/// <summary>What one kubectl call printed.</summary>
public sealed record KubectlResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    /// <summary>This result, or an exception that quotes the command and what kubectl said.</summary>
    public KubectlResult EnsureSuccess() =>
        ExitCode == 0 ? this : throw new InvalidOperationException($"kubectl {Command} exited with {ExitCode}: {Stderr.Trim()}{Stdout.Trim()}");
}
