using System.Text.Json;
using System.Text.Json.Serialization;

namespace ModelOperator.Kubernetes.Models;

/// <summary>The API's result object for errors and some deletes (metav1.Status).</summary>
public sealed record Status
{
    public string? ApiVersion { get; init; } = "v1";

    public string? Kind { get; init; } = "Status";

    public ListMeta? Metadata { get; init; }

    /// <summary><c>Success</c> or <c>Failure</c> (JSON <c>status</c>).</summary>
    [JsonPropertyName("status")]
    public string? StatusValue { get; init; }

    public string? Message { get; init; }

    /// <summary>Machine-readable reason, e.g. <c>NotFound</c>, <c>AlreadyExists</c>, <c>Conflict</c>, <c>Expired</c>, <c>Invalid</c>.</summary>
    public string? Reason { get; init; }

    public StatusDetails? Details { get; init; }

    public int? Code { get; init; }

    /// <summary>Fields this client does not model, kept so that writing the object back does not drop them. Set by the serializer only.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Well-known <see cref="Status.Reason"/> values.</summary>
public static class StatusReasons
{
    public const string NotFound = "NotFound";
    public const string AlreadyExists = "AlreadyExists";
    public const string Conflict = "Conflict";
    public const string Gone = "Gone";
    public const string Expired = "Expired";
    public const string Invalid = "Invalid";
    public const string TooManyRequests = "TooManyRequests";
    public const string Forbidden = "Forbidden";
    public const string Unauthorized = "Unauthorized";
    public const string BadRequest = "BadRequest";
    public const string MethodNotAllowed = "MethodNotAllowed";
    public const string Timeout = "Timeout";
    public const string InternalError = "InternalError";
}

/// <summary>Which object an error is about, and the per-field causes for <c>Invalid</c>.</summary>
public sealed record StatusDetails
{
    public string? Name { get; init; }

    public string? Group { get; init; }

    public string? Kind { get; init; }

    public string? Uid { get; init; }

    public IReadOnlyList<StatusCause>? Causes { get; init; }

    public int? RetryAfterSeconds { get; init; }
}

/// <summary>One reason an operation failed, e.g. a field that did not validate.</summary>
public sealed record StatusCause
{
    /// <summary>e.g. <c>FieldValueRequired</c>, <c>FieldValueInvalid</c>.</summary>
    public string? Reason { get; init; }

    public string? Message { get; init; }

    /// <summary>The JSON path of the offending field, e.g. <c>spec.replicas</c>.</summary>
    public string? Field { get; init; }
}
