using ModelOperator.Api.Schema;

namespace ModelOperator.Api;

/// <summary>
/// A header the operator sends with a web metric's GET or a webhook's POST: a literal value, or one read from a key of a
/// Secret in the ModelDeployment's own namespace when the call is made (so a tenant can use only what a pod it creates
/// there could mount). Values are never shown: not in status, Events, logs, metrics or error messages.
/// </summary>
[Description("A header sent with the call, e.g. Authorization: Bearer <token>. Set value (visible to anyone who can read the ModelDeployment) or valueFrom.secretKeyRef (read from a Secret in the ModelDeployment's own namespace each time a call is made, cached for a few seconds). Values are never written to status, Events, logs or metrics.")]
[CelRule("has(self.value) != has(self.valueFrom)", "set exactly one of value or valueFrom")]
public sealed record HttpHeader
{
    /// <summary>At most this many headers on one web metric or webhook.</summary>
    public const int MaxHeaders = 10;

    /// <summary>The longest header value, literal or read from a Secret (a bearer token or an API key fits many times over).</summary>
    public const int MaxValueLength = 4096;

    /// <summary>An HTTP token (RFC 9110 5.6.2); the reserved names are refused by <see cref="HttpHeaderRules"/>.</summary>
    public const string NamePattern = "^[-!#$%&'*+.^_`|~0-9A-Za-z]+$";

    [Description("The header's name, an HTTP token (letters, digits and !#$%&'*+-.^_`|~, at most 100 characters), e.g. Authorization or X-Api-Key. Not one HTTP or the operator sets: Host, Content-Length, Content-Type, Transfer-Encoding, Connection and the other hop-by-hop headers. Unique in the list (case-insensitively).")]
    [Required]
    [Length(1, 100)]
    [Pattern(NamePattern)]
    public string? Name { get; init; }

    [Description("The header's value, written here in the clear: use it for what is not secret (e.g. Accept or a tenant id). At most 4096 printable ASCII characters, spaces and tabs.")]
    [Length(0, MaxValueLength)]
    public string? Value { get; init; }

    [Description("Where the value comes from instead: a key of a Secret in the ModelDeployment's namespace.")]
    public HttpHeaderSource? ValueFrom { get; init; }

    /// <summary>No header names or values in ToString: a value may be a token.</summary>
    public override string ToString() => $"HttpHeader {{ Name = {Name}, Value = {(Value is null ? "null" : "(hidden)")}, ValueFrom = {ValueFrom} }}";
}

/// <summary>Where a header's value is read from.</summary>
[Description("Where a header's value is read from.")]
public sealed record HttpHeaderSource
{
    [Description("A key of a Secret in the ModelDeployment's namespace (there is no namespace field: a ModelDeployment can only use its own namespace's Secrets). The key's whole value is the header's value, e.g. \"Bearer <token>\". A missing Secret or key makes a web metric inconclusive and a webhook call fail without being sent, with an Event naming the Secret and key (never the value).")]
    [Required]
    public SecretKey? SecretKeyRef { get; init; }
}
