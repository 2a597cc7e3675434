namespace ModelOperator.Contracts;

/// <summary>
/// How PromQL selects one revision's model server pods: by the labels a standard <c>kubernetes-pods</c> scrape job
/// attaches, <c>namespace="NS",pod=~"REVISION-.*"</c> (a revision's pods are named after its Deployment). One place for
/// the operator's analysis and the kubectl plugin's timeline.
/// </summary>
public static class RevisionPodSelector
{
    /// <summary>The label matchers (without braces), label values escaped for PromQL.</summary>
    public static string PromQL(string @namespace, string revision)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        ArgumentNullException.ThrowIfNull(revision);
        return $"namespace=\"{Escape(@namespace)}\",pod=~\"{Escape(revision)}-.*\"";
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
