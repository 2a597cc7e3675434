using Xunit;

namespace ModelOperator.Testing;

/// <summary>
/// The real promtool (Debian's prometheus package), the one helper of every test that asks it. One policy: a test that
/// needs promtool fails when it is missing, everywhere (<c>make test</c> installs it), so a run without it can never
/// pass by skipping what it was meant to check.
/// </summary>
public static class Promtool
{
    private static readonly string? Found = Find();

    /// <summary>promtool on PATH or at /usr/bin/promtool; fails the calling test when there is none.</summary>
    public static string Path =>
        Found ?? throw new Xunit.Sdk.XunitException(
            "promtool is missing: run `make test` (it installs Debian's prometheus package) or apt-get install -y prometheus");

    /// <summary>Exit code and output (stdout and stderr) of <c>promtool check metrics</c> fed <paramref name="exposition"/>.</summary>
    public static async Task<(int ExitCode, string Output)> CheckMetricsAsync(string exposition)
    {
        var result = await ChildProcess.RunAsync(Path, ["check", "metrics"], stdin: exposition).ConfigureAwait(false);
        return (result.ExitCode, result.Output);
    }

    /// <summary>Fails with promtool's output and the exposition unless promtool accepts it without a word.</summary>
    public static async Task AssertAcceptsAsync(string exposition)
    {
        var (exitCode, output) = await CheckMetricsAsync(exposition).ConfigureAwait(false);
        Assert.True(exitCode == 0 && output.Trim().Length == 0, $"promtool check metrics (exit {exitCode}):\n{output}\n--- exposition ---\n{exposition}");
    }

    /// <summary>Any promtool command (<c>check rules</c>, <c>test rules</c>) run in <paramref name="workingDirectory"/>.</summary>
    public static (int ExitCode, string Output) Run(string workingDirectory, params string[] args)
    {
        var result = ChildProcess.RunAsync(Path, args, workingDirectory: workingDirectory).GetAwaiter().GetResult();
        return (result.ExitCode, result.Output);
    }

    private static string? Find()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = System.IO.Path.Combine(dir, "promtool");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return File.Exists("/usr/bin/promtool") ? "/usr/bin/promtool" : null;
    }
}
