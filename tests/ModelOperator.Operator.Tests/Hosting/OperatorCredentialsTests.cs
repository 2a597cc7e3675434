using System.Diagnostics;
using System.Globalization;
using System.Net;
using ModelOperator.ApiServer.Hosting;
using ModelOperator.Testing;

namespace ModelOperator.Operator.Tests.Hosting;

/// <summary>
/// The operator process (<c>modeloperator</c>) with a kubeconfig whose user is an exec credential plugin, against an API
/// server that requires the plugin's token: it becomes ready only if every list and watch carried the token.
/// </summary>
public sealed class OperatorCredentialsTests
{
    private const string Token = "operator-plugin-token";

    [Fact]
    public async Task The_operator_authenticates_with_the_token_an_exec_plugin_prints()
    {
        var dir = Directory.CreateTempSubdirectory("operator-exec-").FullName;
        try
        {
            // Given an API server that requires a token, with the CRD, and a kubeconfig whose user is a plugin printing it
            await using var server = await InMemoryApiServer.StartAsync(new InMemoryApiServerOptions { RequiredBearerToken = Token });
            await CrdInstaller.ApplyAsync(server.BaseUrl, Token, RepositoryFiles.Path(Path.Combine("crds", "modeldeployments.modeloperator.io.yaml")));
            var plugin = new ExecCredentialPlugin(dir, Token, expires: DateTimeOffset.UtcNow.AddHours(1));
            var kubeconfig = Path.Combine(dir, "kubeconfig");
            await File.WriteAllTextAsync(kubeconfig, plugin.Kubeconfig(server.BaseUrl));

            // When the operator starts with it
            var port = LoopbackPorts.Free();
            using var op = Process.Start(new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                ArgumentList =
                {
                    Path.Combine(AppContext.BaseDirectory, "modeloperator.dll"), "--kubeconfig", kubeconfig, "--leader-elect", "false",
                    "--http-host", "127.0.0.1", "--http-port", port.ToString(CultureInfo.InvariantCulture),
                },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var stderr = op.StandardError.ReadToEndAsync();
            var stdout = op.StandardOutput.ReadToEndAsync();
            bool ready;
            try
            {
                ready = await WaitReadyAsync(port, op);
            }
            finally
            {
                if (!op.HasExited)
                {
                    op.Kill(entireProcessTree: true);
                }

                await op.WaitForExitAsync();
            }

            // Then its caches synced (readyz 200), having run the plugin
            var output = await stderr + await stdout;
            Assert.True(ready, $"modeloperator did not become ready (exit code {op.ExitCode}):\n{output[Math.Max(0, output.Length - 4000)..]}");
            Assert.InRange(plugin.Runs, 2, 3);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<bool> WaitReadyAsync(int port, Process op)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60) && !op.HasExited)
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/readyz"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(200);
        }

        return false;
    }
}
