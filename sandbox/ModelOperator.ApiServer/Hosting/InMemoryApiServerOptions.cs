using Microsoft.Extensions.Logging;

namespace ModelOperator.ApiServer.Hosting;

/// <summary>Settings of an <see cref="InMemoryApiServer"/>; the defaults suit tests.</summary>
public sealed record InMemoryApiServerOptions
{
    /// <summary>The clock for timestamps, ages, watch timeouts, bookmarks and injected delays.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The loopback port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>How many recent events are kept for watches that resume from a resourceVersion.</summary>
    public int EventHistorySize { get; init; } = 1000;

    /// <summary>How often a watch that allows bookmarks gets one.</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The version <c>/version</c> reports (kubectl's version dispatcher reads it).</summary>
    public string GitVersion { get; init; } = "v1.32.0";

    /// <summary>Keep every request (method, path, query, User-Agent) for <see cref="InMemoryApiServer.Requests"/>. Off by default.</summary>
    public bool RecordRequests { get; init; }

    /// <summary>
    /// When set, every request must carry <c>Authorization: Bearer</c> with this token, else 401 Unauthorized
    /// (see <c>Http/BearerTokenAuthentication.cs</c>); kubeconfigs the server writes carry it. Null (the default): no auth.
    /// </summary>
    public string? RequiredBearerToken { get; init; }

    /// <summary>Where the server logs; none by default.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    internal void Validate()
    {
        if (Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(Port), Port, "the port must be between 0 and 65535 (0 picks a free port)");
        }

        if (EventHistorySize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(EventHistorySize), EventHistorySize, "the event history must hold at least one event");
        }

        if (BookmarkInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(BookmarkInterval), BookmarkInterval, "the bookmark interval must be positive");
        }

        if (RequiredBearerToken is { } token && string.IsNullOrWhiteSpace(token))
        {
            throw new ArgumentException("the required bearer token must not be blank (null turns auth off)", nameof(RequiredBearerToken));
        }

        if (!GitVersion.StartsWith('v'))
        {
            throw new ArgumentException($"the git version \"{GitVersion}\" must look like v1.32.0", nameof(GitVersion));
        }
    }
}
