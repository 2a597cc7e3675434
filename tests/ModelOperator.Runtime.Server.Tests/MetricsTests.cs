using System.Diagnostics;

namespace ModelOperator.Runtime.Server.Tests;

public sealed class MetricsTests
{
    /// <summary>
    /// promtool (Debian package prometheus) judges a real scrape taken after traffic. Under CI the
    /// tool must be there (make test installs it); elsewhere the test says how to get it.
    /// </summary>
    [Fact]
    public async Task A_real_scrape_passes_promtool_check_metrics()
    {
        var promtool = FindPromtool();
        await using var server = await ServerFixture.StartAsync();
        using (await server.PostJsonAsync(MalformedRequestCorpus.InferPath, MalformedRequestCorpus.Good))
        using (await server.PostJsonAsync(MalformedRequestCorpus.InferPath, "{"))
        {
        }

        var scrape = await server.Client.GetStringAsync("/metrics");
        var (exit, output) = await RunAsync(promtool, "check metrics", scrape);

        Assert.True(exit == 0, "promtool check metrics failed:\n" + output);
        Assert.Contains("modelserver_request_duration_seconds_bucket", scrape, StringComparison.Ordinal);
        Assert.Contains("modelserver_inference_duration_seconds_count{model=\"churn\",version=\"1\"} 1", scrape, StringComparison.Ordinal);
        Assert.Contains("modelserver_requests_in_flight{model=\"churn\",version=\"1\"} 0", scrape, StringComparison.Ordinal);
        Assert.Contains("modelserver_model_load_duration_seconds{model=\"churn\",version=\"1\"}", scrape, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promtool_rejects_a_broken_exposition_so_the_check_can_fail()
    {
        var (exit, _) = await RunAsync(FindPromtool(), "check metrics", "# TYPE x_total counter\nx_total{a=\"1\" 1\n");

        Assert.NotEqual(0, exit);
    }

    internal static string FindPromtool()
    {
        const string path = "/usr/bin/promtool";
        if (!File.Exists(path))
        {
            Assert.Fail("promtool is missing: run `make test` (it installs Debian's prometheus package) or apt-get install -y prometheus");
        }

        return path;
    }

    internal static async Task<(int Exit, string Output)> RunAsync(string file, string arguments, string stdin)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
