using System.Diagnostics;
using ModelOperator.ApiServer.Hosting;

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
        await using var server = await InMemoryApiServer.StartAsync(new InMemoryApiServerOptions { EventHistorySize = 20 });
        var dir = Directory.CreateTempSubdirectory("apiserver-python-");
        try
        {
            var kubeconfig = server.WriteKubeconfig(Path.Combine(dir.FullName, "kubeconfig"));
            var script = Path.Combine(AppContext.BaseDirectory, "python", "conformance.py");
            var start = new ProcessStartInfo(Python, [script, kubeconfig]) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["HOME"] = dir.FullName;
            using var process = Process.Start(start)!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);

            Assert.True(process.ExitCode == 0, $"python3-kubernetes checks failed:\n{await stdout}\n{await stderr}");
            Assert.Equal(13, lines.Count(l => l.StartsWith("ok ", StringComparison.Ordinal)));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
