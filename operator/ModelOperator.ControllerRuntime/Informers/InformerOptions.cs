namespace ModelOperator.ControllerRuntime.Informers;

/// <summary>How an <see cref="Informer{T}"/> lists, retries and resyncs.</summary>
public sealed record InformerOptions
{
    /// <summary>Objects per list page (the <c>limit</c> parameter). Default 500, like client-go.</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>
    /// When set, every cached object is replayed to the handlers as an update (old == new) this often,
    /// so controllers re-check the world even without changes. Null (the default) turns resync off.
    /// </summary>
    public TimeSpan? ResyncPeriod { get; init; }

    /// <summary>Wait after the first failed list or watch; doubles per consecutive failure. Default 800 ms, like client-go's reflector.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(800);

    /// <summary>Longest wait between failed attempts. Default 30 s.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Each watch asks the server for a random timeoutSeconds in [MinWatchTimeout, 2 × MinWatchTimeout). Default 5 min, like client-go.</summary>
    public TimeSpan MinWatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A watch silent (no event, no bookmark) for this long is abandoned and resumed. Null (the default) relies on the
    /// server-side timeout alone; a process that talks to a real cluster sets it above the bookmark interval.
    /// </summary>
    public TimeSpan? WatchIdleTimeout { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting and what is allowed.</summary>
    public void Validate()
    {
        if (PageSize < 1)
        {
            throw new ArgumentException($"{nameof(PageSize)} is {PageSize}; it must be at least 1.");
        }

        if (ResyncPeriod is { } resync && resync <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(ResyncPeriod)} is {resync}; it must be positive, or null to turn resync off.");
        }

        if (InitialBackoff <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(InitialBackoff)} is {InitialBackoff}; it must be positive.");
        }

        if (MinWatchTimeout < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException($"{nameof(MinWatchTimeout)} is {MinWatchTimeout}; it must be at least one second.");
        }

        if (WatchIdleTimeout is { } idle && idle <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(WatchIdleTimeout)} is {idle}; it must be positive, or null to turn idle detection off.");
        }

        if (MaxBackoff < InitialBackoff)
        {
            throw new ArgumentException($"{nameof(MaxBackoff)} is {MaxBackoff}; it must be at least {nameof(InitialBackoff)} ({InitialBackoff}).");
        }
    }
}
