namespace ModelOperator.SandboxHost.Tests.Processes;

/// <summary>A folder of one test's own, deleted with it.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("processes-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
