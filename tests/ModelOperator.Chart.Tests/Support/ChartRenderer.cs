using System.Security.Cryptography;
using System.Text;

namespace ModelOperator.Chart.Tests.Support;

/// <summary>
/// Builds tools/chart-render once per test run (Go 1.19 from Debian, GOPATH mode, offline) into a temp folder keyed by
/// a hash of its sources, and runs it on charts/model-operator. A missing Go toolchain fails the tests: nothing is skipped.
/// </summary>
internal static class ChartRenderer
{
    public const string ChartPath = "charts/model-operator";

    private static readonly Lazy<string> Binary = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Renders the chart as release <c>rel</c> in <paramref name="ns"/> with extra flags; exit code, stdout, stderr.</summary>
    public static RenderResult Render(string ns, params string[] flags) =>
        Run(Binary.Value, RepositoryFiles.Root, null, ["rel", RepositoryFiles.Path(ChartPath), "--namespace", ns, .. flags]);

    /// <summary>Renders and expects success.</summary>
    public static string RenderOk(string ns, params string[] flags)
    {
        var result = Render(ns, flags);
        Assert.True(result.ExitCode == 0, $"chart-render {string.Join(' ', flags)} failed ({result.ExitCode}):\n{result.Stderr}");
        return result.Stdout;
    }

    private static string Build()
    {
        const string go = "/usr/bin/go";
        const string gocode = "/usr/share/gocode";
        if (!File.Exists(go) || !Directory.Exists(Path.Combine(gocode, "src/github.com/Masterminds/sprig")) || !Directory.Exists(Path.Combine(gocode, "src/sigs.k8s.io/yaml")))
        {
            Assert.Fail("Go, sprig or sigs.k8s.io/yaml is missing: run `make debs` (it installs golang-go, golang-github-masterminds-sprig-dev and golang-k8s-sigs-yaml-dev)");
        }

        var source = RepositoryFiles.Path("tools/chart-render");
        var files = Directory.GetFiles(source, "*.go").Order(StringComparer.Ordinal).ToArray();
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(files.Select(File.ReadAllText)))))[..16];
        var dir = Path.Combine(Path.GetTempPath(), "modeloperator-chart-render", hash);
        var binary = Path.Combine(dir, "chart-render");
        if (File.Exists(binary))
        {
            return binary;
        }

        Directory.CreateDirectory(dir);
        var building = binary + "." + Environment.ProcessId;
        var env = new Dictionary<string, string>
        {
            ["GO111MODULE"] = "off",
            ["GOPATH"] = $"{gocode}:{Path.Combine(dir, "gopath")}",
            ["GOCACHE"] = Path.Combine(dir, "gocache"),
            ["GOFLAGS"] = "",
            ["GOPROXY"] = "off",
        };
        var result = Run(go, source, env, ["build", "-o", building, "."]);
        Assert.True(result.ExitCode == 0, $"go build tools/chart-render failed:\n{result.Stderr}{result.Stdout}");
        File.Move(building, binary, overwrite: true);
        return binary;
    }

    private static RenderResult Run(string fileName, string workDir, Dictionary<string, string>? env, string[] args)
    {
        // Sync over async: the chart is rendered from synchronous tests; ChildProcess bounds the run.
        var environment = env?.ToDictionary(kv => kv.Key, kv => (string?)kv.Value);
        var result = ChildProcess.RunAsync(fileName, args, null, workDir, environment, TimeSpan.FromSeconds(180)).GetAwaiter().GetResult();
        return new RenderResult(result.ExitCode, result.Stdout, result.Stderr);
    }
}

internal sealed record RenderResult(int ExitCode, string Stdout, string Stderr);
