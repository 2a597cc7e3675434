using System.Globalization;
using System.Text.RegularExpressions;

namespace ModelOperator.SandboxHost.Soak;

/// <summary>
/// The manifests a soak applies: <c>examples/sandbox/churn-v{version}.yaml</c> (what <c>make run</c> applies), with the
/// analysis pointed at the sandbox's Prometheus and one env var, <c>SOAK_ROUND</c>, that makes each round a revision of
/// its own (the revision hash covers <c>spec.runtime</c>), so a bad version rolled out twice is analysed twice instead of
/// being refused as quarantined. The variable joins the example's own <c>spec.runtime.env</c> when it has one: a second
/// <c>runtime:</c> key would be a duplicate that YAML readers resolve to the last one, dropping the marker.
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
        var item = string.Create(CultureInfo.InvariantCulture, $"    - name: SOAK_ROUND\n      value: \"{round}\"\n");
        var runtime = RuntimeLine().Match(text);
        if (!runtime.Success)
        {
            return SpecLine().Replace(text, $"spec:\n  runtime:\n    env:\n{item}", 1);
        }

        // The runtime block runs to the next key of spec (two spaces of indent) or the end of the text.
        var blockStart = runtime.Index + runtime.Length;
        var next = NextSpecKey().Match(text, blockStart);
        var blockEnd = next.Success ? next.Index : text.Length;
        var env = EnvLine().Match(text[..blockEnd], blockStart);
        return env.Success
            ? text.Insert(env.Index + env.Length, item)
            : text.Insert(blockStart, "    env:\n" + item);
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

    [GeneratedRegex(@"^  runtime:\n", RegexOptions.Multiline)]
    private static partial Regex RuntimeLine();

    [GeneratedRegex(@"^    env:\n", RegexOptions.Multiline)]
    private static partial Regex EnvLine();

    [GeneratedRegex(@"^  [^ #\n]", RegexOptions.Multiline)]
    private static partial Regex NextSpecKey();

    [GeneratedRegex(@"^    sha256: ([0-9a-f]{64})$", RegexOptions.Multiline)]
    private static partial Regex ModelShaLine();
}
