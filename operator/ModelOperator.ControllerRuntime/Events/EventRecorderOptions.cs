namespace ModelOperator.ControllerRuntime.Events;

/// <summary>Settings of an <see cref="EventRecorder"/>.</summary>
public sealed record EventRecorderOptions
{
    /// <summary>The <c>reportingComponent</c> and <c>source.component</c> of every Event.</summary>
    public string Component { get; init; } = "modeloperator";

    /// <summary>The <c>reportingInstance</c> and <c>source.host</c>; defaults to the host name.</summary>
    public string? Instance { get; init; }

    /// <summary>How many distinct events are remembered for aggregation (least recently used are dropped). Default 4096, like client-go.</summary>
    public int CacheSize { get; init; } = 4096;

    /// <summary>Messages longer than this are cut (with an ellipsis). Default 1024.</summary>
    public int MaxMessageLength { get; init; } = 1024;

    /// <summary>How many times a write answered 409 Conflict is tried in all, with no wait between (a conflict is a quiet retry). Default 3; 1 never retries.</summary>
    public int ConflictAttempts { get; init; } = 3;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting and what is allowed.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Component))
        {
            throw new ArgumentException($"{nameof(Component)} must not be empty.");
        }

        if (CacheSize < 1)
        {
            throw new ArgumentException($"{nameof(CacheSize)} is {CacheSize}; it must be at least 1.");
        }

        if (ConflictAttempts is < 1 or > 10)
        {
            throw new ArgumentException($"{nameof(ConflictAttempts)} is {ConflictAttempts}; it must be from 1 to 10.");
        }

        if (MaxMessageLength < 16)
        {
            throw new ArgumentException($"{nameof(MaxMessageLength)} is {MaxMessageLength}; it must be at least 16.");
        }
    }
}
