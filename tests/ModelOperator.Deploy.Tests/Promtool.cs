using System.Diagnostics;

namespace ModelOperator.Deploy.Tests;

/// <summary>The real promtool (Debian's prometheus package).</summary>
internal static class Promtool
{
    public static string Path
    {
        get
        {
            const string path = "/usr/bin/promtool";
            if (!File.Exists(path))
            {
                Assert.Fail("promtool is missing: run `make test` (it installs Debian's prometheus package) or apt-get install -y prometheus");
            }

            return path;
        }
    }

    public static (int Exit, string Output) Run(string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill();
            Assert.Fail("promtool did not finish in 60 s");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
