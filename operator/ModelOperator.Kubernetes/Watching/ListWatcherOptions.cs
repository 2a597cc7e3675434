namespace ModelOperator.Kubernetes.Watching;

/// <summary>Settings of a <see cref="ListWatcher{T}"/>.</summary>
public sealed record ListWatcherOptions
{
    /// <summary>Namespace to list and watch; null for all namespaces.</summary>
    public string? Namespace { get; init; }

    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }

    /// <summary>Page size of the (re)list.</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>Asked of the server for each watch; the watcher then resumes from the last version it saw.</summary>
    public int WatchTimeoutSeconds { get; init; } = 300;

    /// <summary>A stream silent (no event, no bookmark) for this long is abandoned and resumed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>First wait after a failure; doubles per consecutive failure up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(800);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    internal void Validate()
    {
        if (PageSize <= 0)
        {
            throw new ArgumentException($"ListWatcherOptions.PageSize must be positive, got {PageSize}.");
        }

        if (WatchTimeoutSeconds <= 0)
        {
            throw new ArgumentException($"ListWatcherOptions.WatchTimeoutSeconds must be positive, got {WatchTimeoutSeconds}.");
        }

        if (IdleTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"ListWatcherOptions.IdleTimeout must be positive, got {IdleTimeout}.");
        }

        if (InitialBackoff <= TimeSpan.Zero || MaxBackoff < InitialBackoff)
        {
            throw new ArgumentException(
                $"ListWatcherOptions backoff must satisfy 0 < InitialBackoff <= MaxBackoff, got {InitialBackoff} and {MaxBackoff}.");
        }
    }
}
