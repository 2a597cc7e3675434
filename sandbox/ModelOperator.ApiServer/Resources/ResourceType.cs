using System.Text.Json.Nodes;

namespace ModelOperator.ApiServer.Resources;

/// <summary>
/// Everything the server knows about one served resource in one group version: names, scope,
/// subresources, schema and printer columns. Built-in kinds and CRD versions are both described by it.
/// </summary>
internal sealed record ResourceType
{
    public required string Group { get; init; }

    public required string Version { get; init; }

    public required string Kind { get; init; }

    public required string Plural { get; init; }

    public required string Singular { get; init; }

    public required bool Namespaced { get; init; }

    public IReadOnlyList<string> ShortNames { get; init; } = [];

    public IReadOnlyList<string> Categories { get; init; } = [];

    public bool HasStatus { get; init; }

    public ScaleSubresource? Scale { get; init; }

    /// <summary>The OpenAPI v3 schema of the whole object (CRDs), or null for a loose built-in schema.</summary>
    public JsonObject? Schema { get; init; }

    /// <summary>Printer columns of a CRD version; empty means Name and Age (or the built-in columns).</summary>
    public IReadOnlyList<PrinterColumn> PrinterColumns { get; init; } = [];

    /// <summary>
    /// True where the real storage answers a DELETE with the deleted object (pods, service accounts); the others answer
    /// a Status. Every kind answers with the object while finalizers still hold it.
    /// </summary>
    public bool ReturnsDeletedObject { get; init; }

    /// <summary>
    /// True for a review kind (SelfSubjectAccessReview): only <c>create</c> is served, answered at once and never stored,
    /// as kube-apiserver's review endpoints do.
    /// </summary>
    public bool IsReview { get; init; }

    /// <summary>True for custom resources: no strategic merge patch, items pruned by their schema.</summary>
    public bool IsCustom { get; init; }

    /// <summary>
    /// Whether objects carry <c>metadata.generation</c>: custom resources and the built-ins whose registry strategies
    /// stamp it (Deployments, HPAs, PDBs, HTTPRoutes, CRDs). ConfigMaps, Secrets, Services, Pods (before 1.33), Namespaces
    /// and the rest have none, as <c>kubectl get -o yaml</c> against a real cluster shows.
    /// </summary>
    public bool TracksGeneration => IsCustom || QualifiedResource is "deployments.apps" or "horizontalpodautoscalers.autoscaling"
        or "poddisruptionbudgets.policy" or "httproutes.gateway.networking.k8s.io" or "customresourcedefinitions.apiextensions.k8s.io";

    public string ListKind => Kind + "List";

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string GroupVersion => ApiVersion;

    /// <summary>
    /// Set where this resource presents objects another resource stores (events.k8s.io/v1 Events are core/v1 Events):
    /// that store, and how objects convert to and from it.
    /// </summary>
    public IStoredForm? StoredForm { get; init; }

    /// <summary>Objects of every version of a resource share one store, keyed by group and plural (or by the stored form's store).</summary>
    public string StorageKey => StoredForm?.StorageKey ?? (Group.Length == 0 ? Plural : $"{Plural}.{Group}");

    /// <summary>How messages name the resource: <c>pods</c>, <c>deployments.apps</c>, <c>events.events.k8s.io</c>.</summary>
    public string QualifiedResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>How Invalid messages name the kind: <c>Pod</c>, <c>Deployment.apps</c>.</summary>
    public string QualifiedKind => Group.Length == 0 ? Kind : $"{Kind}.{Group}";
}

/// <summary>The scale subresource paths (dotted JSON paths, e.g. <c>.spec.replicas</c>).</summary>
internal sealed record ScaleSubresource(string SpecReplicasPath, string StatusReplicasPath, string? LabelSelectorPath);

/// <summary>A printer column: name, type (string, integer, number, boolean, date), JSONPath, priority.</summary>
internal sealed record PrinterColumn(string Name, string Type, string JsonPath, string Description, int Priority, string Format);
