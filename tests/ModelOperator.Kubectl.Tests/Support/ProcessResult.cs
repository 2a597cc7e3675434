namespace ModelOperator.Kubectl.Tests.Support;

/// <summary>What a run of the plugin (in-process or through kubectl) printed and returned.</summary>
internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr)
{
    public ProcessResult Succeeded() => ExitCode == 0
        ? this
        : throw new InvalidOperationException($"exit code {ExitCode}\nstderr: {Stderr}\nstdout: {Stdout}");
}
