using System.Text;
using System.Text.RegularExpressions;

namespace ModelOperator.Api;

/// <summary>
/// The placeholders of a user metric's query or URL (<see cref="AnalysisMetric"/>), and their substitution. Pure. Every
/// value put in is a validated Kubernetes name (namespace, ModelDeployment, revisions: DNS labels or subdomains) or a
/// duration the operator formatted, so none can close a PromQL string or add a selector; a URL gets them escaped too.
/// </summary>
public static partial class MetricTemplate
{
    public const string Namespace = "namespace";
    public const string ModelDeployment = "modelDeployment";
    public const string Revision = "revision";
    public const string BaselineRevision = "baselineRevision";
    public const string Window = "window";

    /// <summary>Every placeholder, as written in a template: <c>{{namespace}}</c> and so on.</summary>
    public static IReadOnlyList<string> Names { get; } = [Namespace, ModelDeployment, Revision, BaselineRevision, Window];

    /// <summary>The allowed placeholders in words, for error messages.</summary>
    public static string Allowed => string.Join(", ", Names.Select(n => "{{" + n + "}}"));

    /// <summary>
    /// The placeholder values for one rendering (a user metric's query or URL, a webhook's URL): validated names, and the
    /// window formatted as a duration PromQL reads (Go's fractional forms such as 1.5m are not PromQL).
    /// </summary>
    public static IReadOnlyDictionary<string, string?> Values(string? @namespace, string? modelDeployment, string? revision, string? baselineRevision, TimeSpan window) =>
        new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            [Namespace] = @namespace,
            [ModelDeployment] = modelDeployment,
            [Revision] = revision,
            [BaselineRevision] = baselineRevision,
            [Window] = ModelOperator.Contracts.GoDuration.Format(window),
        };

    /// <summary>The placeholders <paramref name="template"/> uses that are not one of <see cref="Names"/>, in order.</summary>
    public static IReadOnlyList<string> Unknown(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return Placeholder().Matches(template).Select(m => m.Groups[1].Value).Where(n => !Names.Contains(n, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// <paramref name="template"/> with every placeholder replaced by its value in <paramref name="values"/> (escaped with
    /// <paramref name="escape"/> when given, e.g. for a URL). Null, with the missing placeholder in
    /// <paramref name="missing"/>, when a used placeholder has no value (no baseline revision, say).
    /// </summary>
    /// <example>Render("up{namespace=\"{{namespace}}\"}[{{window}}]", {namespace: ml, window: 30s}) = up{namespace="ml"}[30s].</example>
    public static string? Render(string template, IReadOnlyDictionary<string, string?> values, out string? missing, Func<string, string>? escape = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(values);
        missing = null;
        var result = new StringBuilder(template.Length);
        var at = 0;
        foreach (Match match in Placeholder().Matches(template))
        {
            var name = match.Groups[1].Value;
            if (!values.TryGetValue(name, out var value) || value is null)
            {
                missing = name;
                return null;
            }

            result.Append(template, at, match.Index - at).Append(escape is null ? value : escape(value));
            at = match.Index + match.Length;
        }

        return result.Append(template, at, template.Length - at).ToString();
    }

    [GeneratedRegex(@"\{\{\s*([A-Za-z]+)\s*\}\}")]
    private static partial Regex Placeholder();
}
