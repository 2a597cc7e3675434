using ModelOperator.ApiServer.Hosting;
using ModelOperator.Testing;

namespace ModelOperator.ApiServer.Conformance.Tests;

/// <summary>
/// The in-memory API server through Debian's official Python client (python3-kubernetes, run with /usr/bin/python3):
/// python/conformance.py runs its checks against a kubeconfig and reports each one.
/// </summary>
public sealed class OfficialPythonClientTests
{
    private const string Python = "/usr/bin/python3";

    [Fact]
    public async Task Every_check_of_the_python_client_passes()
    {
        await using var api = await ApiServerFixture.StartAsync(serverOptions: new InMemoryApiServerOptions { EventHistorySize = 20 });
        var script = Path.Combine(AppContext.BaseDirectory, "python", "conformance.py");

        var result = await ChildProcess.RunAsync(Python, [script, api.Kubeconfig], environment: new Dictionary<string, string?> { ["HOME"] = api.Folder }, timeout: TimeSpan.FromMinutes(2));

        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(result.ExitCode == 0, $"python3-kubernetes checks failed:\n{result.Stdout}\n{result.Stderr}");
        Assert.Equal(13, lines.Count(l => l.StartsWith("ok ", StringComparison.Ordinal)));
    }
}
