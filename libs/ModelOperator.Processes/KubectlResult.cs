namespace ModelOperator.Processes;

/// <summary>What one kubectl call printed and returned.</summary>
public sealed record KubectlResult(string[] Args, int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The arguments as typed after <c>kubectl</c>.</summary>
    public string Command => string.Join(' ', Args);

    public string[] Lines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>This result, or an exception that names the command, its exit code and what kubectl said.</summary>
    public KubectlResult EnsureSuccess() =>
        ExitCode == 0 ? this : throw new InvalidOperationException($"kubectl {Command} exited {ExitCode}.\nstderr: {Stderr.Trim()}\nstdout: {Stdout.Trim()}");
}
