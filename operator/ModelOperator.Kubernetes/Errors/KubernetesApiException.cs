using System.Net;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Kubernetes;

/// <summary>The API server answered with an error. <see cref="Status"/> is the server's own error object.</summary>
public class KubernetesApiException : Exception
{
    public KubernetesApiException()
        : this("The Kubernetes API request failed.")
    {
    }

    public KubernetesApiException(string message)
        : this(message, null)
    {
    }

    public KubernetesApiException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Status = new Status { Message = message };
    }

    public KubernetesApiException(HttpStatusCode statusCode, Status status, string message)
        : base(message)
    {
        StatusCode = statusCode;
        Status = status;
    }

    /// <summary>The HTTP status code of the response.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The API's Status object (synthesized from the body when the server sent none).</summary>
    public Status Status { get; }

    /// <summary>The machine-readable reason, e.g. <c>AlreadyExists</c>.</summary>
    public string? Reason => Status.Reason;
}

/// <summary>404: the object (or its namespace) does not exist.</summary>
public sealed class KubernetesNotFoundException : KubernetesApiException
{
    public KubernetesNotFoundException()
    {
    }

    public KubernetesNotFoundException(string message)
        : base(message)
    {
    }

    public KubernetesNotFoundException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public KubernetesNotFoundException(Status status, string message)
        : base(HttpStatusCode.NotFound, status, message)
    {
    }
}

/// <summary>
/// 409: the write lost a race (reason <c>Conflict</c>: stale resourceVersion, or an apply conflict)
/// or the name is taken (reason <c>AlreadyExists</c>).
/// </summary>
public sealed class KubernetesConflictException : KubernetesApiException
{
    public KubernetesConflictException()
    {
    }

    public KubernetesConflictException(string message)
        : base(message)
    {
    }

    public KubernetesConflictException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public KubernetesConflictException(Status status, string message)
        : base(HttpStatusCode.Conflict, status, message)
    {
    }

    /// <summary>True when a create found the name already taken.</summary>
    public bool IsAlreadyExists => Reason == StatusReasons.AlreadyExists;
}

/// <summary>410: the requested resourceVersion is too old (compacted); relist and watch from the new version.</summary>
public sealed class KubernetesGoneException : KubernetesApiException
{
    public KubernetesGoneException()
    {
    }

    public KubernetesGoneException(string message)
        : base(message)
    {
    }

    public KubernetesGoneException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public KubernetesGoneException(Status status, string message)
        : base(HttpStatusCode.Gone, status, message)
    {
    }
}

/// <summary>422: the object failed validation; <see cref="Causes"/> name the fields.</summary>
public sealed class KubernetesInvalidException : KubernetesApiException
{
    public KubernetesInvalidException()
    {
    }

    public KubernetesInvalidException(string message)
        : base(message)
    {
    }

    public KubernetesInvalidException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public KubernetesInvalidException(Status status, string message)
        : base(HttpStatusCode.UnprocessableEntity, status, message)
    {
    }

    /// <summary>Per-field causes, e.g. <c>spec.replicas: Invalid value: -1</c>.</summary>
    public IReadOnlyList<StatusCause> Causes => Status.Details?.Causes ?? [];
}

/// <summary>429: the server asks the client to slow down; retry after <see cref="RetryAfter"/>.</summary>
public sealed class KubernetesTooManyRequestsException : KubernetesApiException
{
    public KubernetesTooManyRequestsException()
    {
    }

    public KubernetesTooManyRequestsException(string message)
        : base(message)
    {
    }

    public KubernetesTooManyRequestsException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public KubernetesTooManyRequestsException(Status status, string message, TimeSpan? retryAfter)
        : base(HttpStatusCode.TooManyRequests, status, message)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>From the Retry-After header or <c>details.retryAfterSeconds</c>; null when the server gave none.</summary>
    public TimeSpan? RetryAfter { get; }
}
