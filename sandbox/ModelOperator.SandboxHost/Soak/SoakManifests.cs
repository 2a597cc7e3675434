using System.Globalization;
using System.Text.RegularExpressions;

namespace ModelOperator.SandboxHost.Soak;

/// <summary>
/// The manifests a soak applies: <c>examples/sandbox/churn-v{version}.yaml</c> (what <c>make run</c> applies), with the
/// analysis pointed at the sandbox's Prometheus and one env var, <c>SOAK_ROUND</c>, that makes each round a revision of
/// its own (the revision hash covers <c>spec.runtime</c>), so a bad version rolled out twice is analysed twice instead of
/// being refused as quarantined.
/// </summary>
public static partial class SoakManifests
{
    /// <summary>The Prometheus address the example manifests name.</summary>
    public const string ExamplePrometheusAddress = "address: http://127.0.0.1:9090";

    /// <summary>The manifest text of <paramref name="version"/> for <paramref name="round"/> (pure).</summary>
    public static string ForRound(string exampleText, int round, Uri prometheus)
    {
        ArgumentNullException.ThrowIfNull(exampleText);
        ArgumentNullException.ThrowIfNull(prometheus);
        if (!exampleText.Contains(ExamplePrometheusAddress, StringComparison.Ordinal) || !SpecLine().IsMatch(exampleText))
        {
            throw new ArgumentException($"the example manifest has no '{ExamplePrometheusAddress}' or no 'spec:' line; the soak cannot adapt it");
        }

        var text = exampleText.Replace(ExamplePrometheusAddress, $"address: {prometheus.ToString().TrimEnd('/')}", StringComparison.Ordinal);
        var env = string.Create(CultureInfo.InvariantCulture, $"spec:\n  runtime:\n    env:\n    - name: SOAK_ROUND\n      value: \"{round}\"\n");
        return SpecLine().Replace(text, env, 1);
    }

    /// <summary>spec.model.sha256 of an example manifest (the line indented under <c>model:</c>, not the profile's).</summary>
    public static string ModelSha256(string exampleText)
    {
        ArgumentNullException.ThrowIfNull(exampleText);
        var match = ModelShaLine().Match(exampleText);
        return match.Success ? match.Groups[1].Value : throw new ArgumentException("the example manifest has no spec.model.sha256");
    }

    /// <summary>The example manifest's path for a model version.</summary>
    public static string ExamplePath(string repositoryRoot, string version) =>
        Path.Combine(repositoryRoot, "examples", "sandbox", $"churn-v{version}.yaml");

    [GeneratedRegex(@"^spec:\n", RegexOptions.Multiline)]
    private static partial Regex SpecLine();

    [GeneratedRegex(@"^    sha256: ([0-9a-f]{64})$", RegexOptions.Multiline)]
    private static partial Regex ModelShaLine();
}
