using System.Net;
using Microsoft.Extensions.Logging;

namespace ModelOperator.Kubernetes.Http;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "HTTP {Method} {Path} answered {StatusCode} in {ElapsedMilliseconds} ms")]
    public static partial void RequestCompleted(ILogger logger, string method, string path, int statusCode, double elapsedMilliseconds);

    [LoggerMessage(2, LogLevel.Warning, "HTTP {Method} {Path} was throttled (429); retry {Attempt} of {MaxAttempts} after {RetryAfterSeconds} s")]
    public static partial void Throttled(ILogger logger, string method, string path, int attempt, int maxAttempts, double retryAfterSeconds);

    [LoggerMessage(3, LogLevel.Warning, "HTTP {Method} {Path} was rejected as unauthorized; re-reading the token and retrying once")]
    public static partial void Unauthorized(ILogger logger, string method, string path);

    [LoggerMessage(4, LogLevel.Debug, "HTTP {Method} {Path} failed with {StatusCode} {Reason}")]
    public static partial void RequestFailed(ILogger logger, string method, string path, HttpStatusCode statusCode, string? reason);
}
