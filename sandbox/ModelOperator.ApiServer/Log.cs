using Microsoft.Extensions.Logging;

namespace ModelOperator.ApiServer;

/// <summary>Source-generated log messages of the API server.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Created {Resource} {Key} at resourceVersion {ResourceVersion}")]
    public static partial void Created(ILogger logger, string resource, string key, long resourceVersion);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Updated {Resource} {Key} at resourceVersion {ResourceVersion}")]
    public static partial void Updated(ILogger logger, string resource, string key, long resourceVersion);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Deleted {Resource} {Key}")]
    public static partial void Deleted(ILogger logger, string resource, string key);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Garbage collected {Resource} {Key}")]
    public static partial void Collected(ILogger logger, string resource, string key);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Serving CRD {Name} at versions {Versions}")]
    public static partial void CrdServed(ILogger logger, string name, string versions);

    [LoggerMessage(EventId = 6, Level = LogLevel.Debug, Message = "{Method} {Path} answered {StatusCode}")]
    public static partial void Request(ILogger logger, string method, string path, int statusCode);

    [LoggerMessage(EventId = 7, Level = LogLevel.Error, Message = "{Method} {Path} failed unexpectedly")]
    public static partial void Unexpected(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "API server listening on {BaseUrl}")]
    public static partial void Listening(ILogger logger, string baseUrl);

    [LoggerMessage(EventId = 9, Level = LogLevel.Debug, Message = "Watch on {Resource} ended after {Events} events")]
    public static partial void WatchEnded(ILogger logger, string resource, int events);
}
