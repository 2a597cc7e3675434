namespace ModelOperator.ApiServer.Api;

/// <summary>Query options of a write: <c>dryRun=All</c>, <c>fieldManager</c>, <c>fieldValidation</c>, <c>force</c>.</summary>
internal sealed record WriteOptions
{
    public bool DryRun { get; init; }

    public string? FieldManager { get; init; }

    /// <summary>Strict, Warn or Ignore (the real default for unset is Warn).</summary>
    public string FieldValidation { get; init; } = "Warn";

    public bool Force { get; init; }

    /// <summary>The request's User-Agent, which names the manager of a write without a fieldManager.</summary>
    public string? UserAgent { get; init; }

    /// <summary>Who a non-apply write's managedFields entry names: the fieldManager, else the User-Agent's product.</summary>
    public string Manager => FieldManager ?? Patch.UpdateManagedFields.ManagerFromUserAgent(UserAgent);

    /// <summary>
    /// True for a JSON, merge or strategic merge patch: kube-apiserver refuses a strict field validation failure there
    /// as 422 Invalid on the field <c>patch</c> (quoting the patched object) rather than as a 400 decoding error.
    /// </summary>
    public bool IsPatch { get; init; }

    /// <summary>Paths of keys the request body repeated (the last value was kept); field validation reports them.</summary>
    public IReadOnlyList<string> DuplicateFields { get; init; } = [];

    /// <summary>
    /// Where a write puts the warnings its answer carries as <c>Warning</c> headers; one per request (copies made with
    /// <c>with</c> share it), none for the server's own writes.
    /// </summary>
    public List<string>? Warnings { get; init; }

    public static WriteOptions Default { get; } = new();
}

/// <summary>The body of a DELETE: propagation policy and preconditions.</summary>
internal sealed record DeleteOptions
{
    /// <summary>Foreground, Background or Orphan; null means the kind's default (Background).</summary>
    public string? PropagationPolicy { get; init; }

    public string? PreconditionUid { get; init; }

    public string? PreconditionResourceVersion { get; init; }
}

/// <summary>Query options of a list.</summary>
internal sealed record ListOptions
{
    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }

    public int Limit { get; init; }

    public string? Continue { get; init; }
}

/// <summary>The answer to a write: the HTTP status code and the object.</summary>
internal sealed record WriteResult(int StatusCode, System.Text.Json.Nodes.JsonObject Object);

/// <summary>The subresource a request addresses.</summary>
internal enum Subresource
{
    None,
    Status,
    Scale,
}
