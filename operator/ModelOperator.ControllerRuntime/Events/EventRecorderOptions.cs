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

        if (MaxMessageLength < 16)
        {
            throw new ArgumentException($"{nameof(MaxMessageLength)} is {MaxMessageLength}; it must be at least 16.");
        }
    }
}
