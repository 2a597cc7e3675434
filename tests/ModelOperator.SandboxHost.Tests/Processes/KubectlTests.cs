namespace ModelOperator.SandboxHost.Tests.Processes;

/// <summary>libs/ModelOperator.Processes: the one runner of the real kubectl.</summary>
public sealed class KubectlTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_failed_call_says_which_command_failed_and_what_kubectl_wrote_to_stderr()
    {
        var kubectl = new Kubectl(Path.Combine(_dir.Path, "kubeconfig"));

        var result = await kubectl.RunAsync("get", "pods", "--no-such-flag");

        Assert.NotEqual(0, result.ExitCode);
        var error = Assert.Throws<InvalidOperationException>(() => result.EnsureSuccess());
        Assert.StartsWith($"kubectl get pods --no-such-flag exited {result.ExitCode}.", error.Message, StringComparison.Ordinal);
        Assert.Contains("stderr: Error: unknown flag: --no-such-flag", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_started_kubectl_streams_its_lines_as_they_arrive()
    {
        var kubectl = new Kubectl(Path.Combine(_dir.Path, "kubeconfig"));

        using var stream = kubectl.Start("version", "--client");
        var line = await stream.WaitForLineAsync(l => l.StartsWith("Client Version:", StringComparison.Ordinal));

        Assert.Matches(@"^Client Version: v1\.\d+", line);
    }

    [Fact]
    public async Task A_stream_that_ends_without_the_line_fails_with_what_it_saw()
    {
        var kubectl = new Kubectl(Path.Combine(_dir.Path, "kubeconfig"));

        using var stream = kubectl.Start("version", "--client");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => stream.WaitForLineAsync(l => l == "never printed"));

        Assert.Contains("kubectl version --client did not print the expected line", error.Message, StringComparison.Ordinal);
        Assert.Contains("seen: Client Version:", error.Message, StringComparison.Ordinal);
    }
}
