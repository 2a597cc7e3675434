using System.Diagnostics;

namespace ModelOperator.Prometheus.Tests;

/// <summary>Runs the real <c>promtool check metrics</c> (Debian's prometheus package) on an exposition.</summary>
internal static class Promtool
{
    public static string? Path { get; } = Find();

    /// <summary>True when tests must fail rather than skip without promtool (CI=true).</summary>
    public static bool Required => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static (int ExitCode, string Output) CheckMetrics(string exposition)
    {
        string path = Path ?? throw new InvalidOperationException(
            "promtool was not found on PATH or at /usr/bin/promtool; install Debian's prometheus package (apt-get install -y prometheus).");
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("check");
        start.ArgumentList.Add("metrics");
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("promtool did not start.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(exposition);
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill();
            throw new TimeoutException("promtool check metrics did not finish within 30 s.");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
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
