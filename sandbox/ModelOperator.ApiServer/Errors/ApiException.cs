using System.Text.Json.Nodes;

namespace ModelOperator.ApiServer.Errors;

/// <summary>
/// An error the API answers with a <c>Status</c> object (kind Status, apiVersion v1, status Failure).
/// The factory methods produce the messages and reasons the real API server uses.
/// </summary>
internal sealed class ApiException : Exception
{
    public ApiException(int code, string reason, string message, StatusDetails? details = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Details = details;
    }

    public ApiException()
        : this(500, "InternalError", "internal error")
    {
    }

    public ApiException(string message)
        : this(500, "InternalError", message)
    {
    }

    public ApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = 500;
        Reason = "InternalError";
    }

    public int Code { get; }

    public string Reason { get; }

    public StatusDetails? Details { get; }

    /// <summary>Seconds the client should wait before retrying (429 and 503).</summary>
    public int? RetryAfterSeconds { get; init; }

    public static ApiException NotFound(string qualifiedResource, string name, string group, string resource) =>
        new(404, "NotFound", $"{qualifiedResource} \"{name}\" not found", new StatusDetails(name, group, resource));

    public static ApiException NoRoute() =>
        new(404, "NotFound", "the server could not find the requested resource");

    public static ApiException AlreadyExists(string qualifiedResource, string name, string group, string resource) =>
        new(409, "AlreadyExists", $"{qualifiedResource} \"{name}\" already exists", new StatusDetails(name, group, resource));

    public static ApiException Conflict(string qualifiedResource, string name, string group, string resource, string why) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {qualifiedResource} \"{name}\": {why}", new StatusDetails(name, group, resource));

    /// <summary>409 for a server-side apply that would change fields other managers own.</summary>
    public static ApiException ApplyConflict(string message, string name, string group, string resource, IReadOnlyList<StatusCause> causes) =>
        new(409, "Conflict", message, new StatusDetails(name, group, resource) { Causes = causes });

    public static ApiException StaleResourceVersion(string qualifiedResource, string name, string group, string resource) =>
        Conflict(qualifiedResource, name, group, resource, "the object has been modified; please apply your changes to the latest version and try again");

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiException MethodNotAllowed(string message) => new(405, "MethodNotAllowed", message);

    public static ApiException Forbidden(string message, StatusDetails? details = null) => new(403, "Forbidden", message, details);

    /// <summary>415 worded as kube-apiserver's negotiation error: the accepted media types, not the one sent.</summary>
    public static ApiException UnsupportedMediaType(IEnumerable<string> supported) =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: {string.Join(", ", supported)}");

    /// <summary>
    /// 422 for a JSON patch that does not apply (a failed test, a missing path): kube-apiserver answers it through
    /// NewGenericServerResponse, which keeps only its fixed message and empty details, not the patch library's reason.
    /// </summary>
    public static ApiException PatchNotApplicable() =>
        new(422, "Invalid", "the server rejected our request due to an error in our request", new StatusDetails("", "", ""));

    public static ApiException Gone(string message) => new(410, "Expired", message);

    public static ApiException TooManyRequests(int retryAfterSeconds) =>
        new(429, "TooManyRequests", "the server has received too many requests and has asked us to try again later", new StatusDetails("", "", "") { RetryAfterSeconds = retryAfterSeconds })
        {
            RetryAfterSeconds = retryAfterSeconds,
        };

    /// <summary>422 Invalid, with one cause per field error, worded like the real server.</summary>
    public static ApiException Invalid(string kindWithGroup, string name, string group, IReadOnlyList<StatusCause> causes)
    {
        var parts = causes.Select(c => string.IsNullOrEmpty(c.Field) ? c.Message : $"{c.Field}: {c.Message}").ToList();
        var joined = parts.Count == 1 ? parts[0] : "[" + string.Join(", ", parts) + "]";
        var kind = kindWithGroup.Split('.')[0];
        return new ApiException(422, "Invalid", $"{kindWithGroup} \"{name}\" is invalid: {joined}", new StatusDetails(name, group, kind) { Causes = causes });
    }

    /// <summary>The Status object for this error.</summary>
    public JsonObject ToStatus()
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = Reason,
        };
        if (Details is not null)
        {
            status["details"] = Details.ToJson();
        }

        status["code"] = Code;
        return status;
    }
}

/// <summary>The <c>details</c> of a Status: which object, and for Invalid the causes.</summary>
internal sealed record StatusDetails(string Name, string Group, string Kind)
{
    public IReadOnlyList<StatusCause> Causes { get; init; } = [];

    public int? RetryAfterSeconds { get; init; }

    public JsonObject ToJson()
    {
        var o = new JsonObject();
        if (Name.Length > 0)
        {
            o["name"] = Name;
        }

        if (Group.Length > 0)
        {
            o["group"] = Group;
        }

        if (Kind.Length > 0)
        {
            o["kind"] = Kind;
        }

        if (Causes.Count > 0)
        {
            var causes = new JsonArray();
            foreach (var c in Causes)
            {
                causes.Add(new JsonObject { ["reason"] = c.Reason, ["message"] = c.Message, ["field"] = c.Field });
            }

            o["causes"] = causes;
        }

        if (RetryAfterSeconds is { } r)
        {
            o["retryAfterSeconds"] = r;
        }

        return o;
    }
}
