using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ModelOperator.Kubernetes;

/// <summary>Behaviour of <see cref="KubernetesClient"/> beyond where the server is and who we are.</summary>
public sealed record KubernetesClientOptions
{
    /// <summary>The field manager recorded for writes that do not name one.</summary>
    public string FieldManager { get; init; } = "modeloperator";

    /// <summary>Sent as <c>User-Agent</c>; defaults to <c>modeloperator/&lt;version&gt;</c>.</summary>
    public string UserAgent { get; init; } = DefaultUserAgent;

    /// <summary>Timeout of each non-watch request (watches run until the server ends them or the caller cancels).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a request answered with 429 is retried (after Retry-After) before the error surfaces.</summary>
    public int MaxTooManyRequestsRetries { get; init; } = 5;

    /// <summary>Wait used after a 429 that carries no Retry-After.</summary>
    public TimeSpan DefaultRetryAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound on a server-requested wait, so a bad header cannot stall the client for long.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The clock for retry waits and token refresh.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary><c>modeloperator/&lt;informational version without build metadata&gt;</c>.</summary>
    public static string DefaultUserAgent { get; } = BuildUserAgent();

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(FieldManager))
        {
            throw new ArgumentException("KubernetesClientOptions.FieldManager must not be empty.");
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"KubernetesClientOptions.RequestTimeout must be positive, got {RequestTimeout}.");
        }

        if (MaxTooManyRequestsRetries < 0)
        {
            throw new ArgumentException($"KubernetesClientOptions.MaxTooManyRequestsRetries must be zero or more, got {MaxTooManyRequestsRetries}.");
        }

        if (DefaultRetryAfter < TimeSpan.Zero || MaxRetryAfter < TimeSpan.Zero)
        {
            throw new ArgumentException("KubernetesClientOptions retry waits must not be negative.");
        }
    }

    private static string BuildUserAgent()
    {
        var version = typeof(KubernetesClientOptions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return $"modeloperator/{(plus >= 0 ? version[..plus] : version)}";
    }
}
