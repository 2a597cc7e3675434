using System.Diagnostics;
using Xunit;

namespace ModelOperator.Testing;

/// <summary>Runs the real <c>promtool check metrics</c> (Debian's prometheus package) on an exposition.</summary>
public static class Promtool
{
    public static string? Path { get; } = Find();

    /// <summary>True when tests must fail rather than skip without promtool (CI=true).</summary>
    public static bool Required => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Exit code and output (stdout and stderr) of <c>promtool check metrics</c> fed <paramref name="exposition"/>.</summary>
    public static async Task<(int ExitCode, string Output)> CheckMetricsAsync(string exposition)
    {
        string path = Path ?? throw new InvalidOperationException(
            "promtool was not found on PATH or at /usr/bin/promtool; install Debian's prometheus package (apt-get install -y prometheus).");
        var start = new ProcessStartInfo(path, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("promtool did not start.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(exposition).ConfigureAwait(false);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        return (process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }

    /// <summary>Fails with promtool's output and the exposition unless promtool accepts it without a word.</summary>
    public static async Task AssertAcceptsAsync(string exposition)
    {
        var (exitCode, output) = await CheckMetricsAsync(exposition).ConfigureAwait(false);
        Assert.True(exitCode == 0 && output.Trim().Length == 0, $"promtool check metrics (exit {exitCode}):\n{output}\n--- exposition ---\n{exposition}");
    }

    private static string? Find()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = System.IO.Path.Combine(dir, "promtool");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return File.Exists("/usr/bin/promtool") ? "/usr/bin/promtool" : null;
    }
}

/// <summary>A fact that needs promtool: skipped with a reason when it is missing, unless CI=true, where it runs and fails.</summary>
public sealed class PromtoolFactAttribute : FactAttribute
{
    public PromtoolFactAttribute()
    {
        if (Promtool.Path is null && !Promtool.Required)
        {
            Skip = "promtool is not installed (apt-get install -y prometheus); under CI=true this test fails instead of skipping.";
        }
    }
}
