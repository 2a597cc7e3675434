namespace ModelOperator.Api;

/// <summary>
/// The labels and annotations the operator puts on serving pods, which <c>spec.runtime.labels</c> and
/// <c>spec.runtime.annotations</c> may not set: the operator's selectors and Prometheus' scrape settings depend on them,
/// so a user value would either be overwritten or break routing. The CRD's CEL rules and the validator both use these.
/// </summary>
public static class PodMetadata
{
    /// <summary>The prefix of every label and annotation the operator owns.</summary>
    public const string OperatorPrefix = "modeloperator.io/";

    /// <summary>The Prometheus scrape annotations the operator sets on serving pods.</summary>
    public static IReadOnlyList<string> ScrapeAnnotations { get; } = ["prometheus.io/scrape", "prometheus.io/port", "prometheus.io/path"];

    /// <summary>The reserved labels, in words.</summary>
    public const string ReservedLabelsDescription = Labels.ManagedBy + " and every key under " + OperatorPrefix;

    /// <summary>The reserved annotations, in words.</summary>
    public const string ReservedAnnotationsDescription = "prometheus.io/scrape, prometheus.io/port, prometheus.io/path and every key under " + OperatorPrefix;

    /// <summary>The CRD's rule on <c>spec.runtime</c> for labels.</summary>
    public const string LabelsCelRule = "!has(self.labels) || self.labels.all(k, k != '" + Labels.ManagedBy + "' && !k.startsWith('" + OperatorPrefix + "'))";

    /// <summary>The CRD labels rule's message.</summary>
    public const string LabelsCelMessage = "spec.runtime.labels may not set the operator's own labels: " + ReservedLabelsDescription;

    /// <summary>The CRD's rule on <c>spec.runtime</c> for annotations.</summary>
    public const string AnnotationsCelRule = "!has(self.annotations) || self.annotations.all(k, !(k in ['prometheus.io/scrape', 'prometheus.io/port', 'prometheus.io/path']) && !k.startsWith('" + OperatorPrefix + "'))";

    /// <summary>The CRD annotations rule's message.</summary>
    public const string AnnotationsCelMessage = "spec.runtime.annotations may not set the operator's own annotations: " + ReservedAnnotationsDescription;

    /// <summary>True when the label key is the operator's.</summary>
    public static bool IsReservedLabel(string key) =>
        key == Labels.ManagedBy || key.StartsWith(OperatorPrefix, StringComparison.Ordinal);

    /// <summary>True when the annotation key is the operator's.</summary>
    public static bool IsReservedAnnotation(string key) =>
        ScrapeAnnotations.Contains(key, StringComparer.Ordinal) || key.StartsWith(OperatorPrefix, StringComparison.Ordinal);
}
