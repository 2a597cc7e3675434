namespace ModelOperator.Kubernetes.Watching;

/// <summary>Settings of a <see cref="ListWatcher{T}"/>.</summary>
public sealed record ListWatcherOptions
{
    /// <summary>Page size of the (re)list (the <c>limit</c> parameter). Default 500, like client-go.</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>
    /// Each watch asks the server for <c>timeoutSeconds</c> drawn at random from [MinWatchTimeout, 2 × MinWatchTimeout),
    /// as client-go's reflector does (5 to 10 minutes by default), so that watches of many clients do not all end and
    /// reconnect at once. The watcher then resumes from the last version it saw.
    /// </summary>
    public TimeSpan MinWatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A watch silent (no event, no bookmark) for this long is abandoned and resumed from the last version; null waits
    /// for the server to end it. Keep it above the server's bookmark interval (about a minute on a real API server).
    /// </summary>
    public TimeSpan? IdleTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>First wait after a failure; doubles per consecutive failure up to <see cref="MaxBackoff"/>. Default 800 ms, like client-go.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(800);

    /// <summary>Longest wait between failed attempts. Default 30 s.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting and what is allowed.</summary>
    public void Validate()
    {
        if (PageSize < 1)
        {
            throw new ArgumentException($"{nameof(PageSize)} is {PageSize}; it must be at least 1.");
        }

        if (MinWatchTimeout < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException($"{nameof(MinWatchTimeout)} is {MinWatchTimeout}; it must be at least one second.");
        }

        if (IdleTimeout is { } idle && idle <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(IdleTimeout)} is {idle}; it must be positive, or null to wait for the server.");
        }

        if (InitialBackoff <= TimeSpan.Zero || MaxBackoff < InitialBackoff)
        {
            throw new ArgumentException(
                $"The backoff must satisfy 0 < {nameof(InitialBackoff)} <= {nameof(MaxBackoff)}, got {InitialBackoff} and {MaxBackoff}.");
        }
    }
}
