using System.Globalization;
using System.Net;
using System.Text.Json;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Kubernetes.Http;

/// <summary>Turns an error response into the typed exception for its status code.</summary>
internal static class KubernetesErrors
{
    private const int MaxBodyInMessage = 512;

    /// <summary>
    /// Maps a failed response. <paramref name="body"/> is parsed as the API's Status when it is one; otherwise a Status
    /// is synthesized from the code and the body text. <paramref name="retryAfter"/> comes from the Retry-After header.
    /// </summary>
    public static KubernetesApiException FromResponse(HttpStatusCode code, string? body, TimeSpan? retryAfter, string operation)
    {
        var status = ParseStatus(body) ?? new Status
        {
            StatusValue = "Failure",
            Code = (int)code,
            Reason = DefaultReason(code),
            Message = string.IsNullOrWhiteSpace(body) ? null : Truncate(body.Trim()),
        };

        var reason = status.Reason ?? DefaultReason(code);
        var message = $"{operation} failed with {(int)code} {reason}: {status.Message ?? "(no message)"}";
        if (status.Details?.Causes is { Count: > 0 } causes)
        {
            message += " [" + string.Join("; ", causes.Select(c => $"{c.Field}: {c.Message}")) + "]";
        }

        return code switch
        {
            HttpStatusCode.NotFound => new KubernetesNotFoundException(status, message),
            HttpStatusCode.Conflict => new KubernetesConflictException(status, message),
            HttpStatusCode.Gone => new KubernetesGoneException(status, message),
            HttpStatusCode.UnprocessableEntity => new KubernetesInvalidException(status, message),
            HttpStatusCode.TooManyRequests => new KubernetesTooManyRequestsException(status, message, retryAfter ?? DetailsRetryAfter(status)),
            _ => new KubernetesApiException(code, status, message),
        };
    }

    /// <summary>Reads a Retry-After header value: delta seconds or an HTTP date.</summary>
    public static TimeSpan? RetryAfter(System.Net.Http.Headers.RetryConditionHeaderValue? header, DateTimeOffset now)
    {
        if (header is null)
        {
            return null;
        }

        if (header.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header.Date is { } date)
        {
            var wait = date - now;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    internal static Status? ParseStatus(string? body)
    {
        if (string.IsNullOrWhiteSpace(body) || body.TrimStart()[0] != '{')
        {
            return null;
        }

        try
        {
            var status = JsonSerializer.Deserialize(body, KubernetesJsonContext.Default.Status);
            return status is { Kind: "Status" } ? status : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static TimeSpan? DetailsRetryAfter(Status status) =>
        status.Details?.RetryAfterSeconds is { } seconds and > 0 ? TimeSpan.FromSeconds(seconds) : null;

    private static string DefaultReason(HttpStatusCode code) => code switch
    {
        HttpStatusCode.BadRequest => StatusReasons.BadRequest,
        HttpStatusCode.Unauthorized => StatusReasons.Unauthorized,
        HttpStatusCode.Forbidden => StatusReasons.Forbidden,
        HttpStatusCode.NotFound => StatusReasons.NotFound,
        HttpStatusCode.MethodNotAllowed => StatusReasons.MethodNotAllowed,
        HttpStatusCode.Conflict => StatusReasons.Conflict,
        HttpStatusCode.Gone => StatusReasons.Gone,
        HttpStatusCode.UnprocessableEntity => StatusReasons.Invalid,
        HttpStatusCode.TooManyRequests => StatusReasons.TooManyRequests,
        HttpStatusCode.GatewayTimeout => StatusReasons.Timeout,
        _ when (int)code >= 500 => StatusReasons.InternalError,
        _ => "HTTP" + ((int)code).ToString(CultureInfo.InvariantCulture),
    };

    private static string Truncate(string text) => text.Length <= MaxBodyInMessage ? text : text[..MaxBodyInMessage] + "…";
}
