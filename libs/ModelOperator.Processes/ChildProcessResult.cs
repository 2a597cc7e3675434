namespace ModelOperator.Processes;

/// <summary>What a finished child process printed (each stream bounded, see <see cref="ChildProcessOptions.OutputLimit"/>) and returned.</summary>
public sealed record ChildProcessResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Standard output then standard error, as a tool's whole answer (promtool writes to both).</summary>
    public string Output => Stdout + Stderr;
}
