namespace ModelOperator.ApiServer.Writes;

/// <summary>How many write requests the server accepted for one object, by kind (dry runs not counted).</summary>
public sealed record WriteCounts
{
    public int Creates { get; init; }

    public int Updates { get; init; }

    public int Patches { get; init; }

    public int Applies { get; init; }

    public int Deletes { get; init; }

    public int StatusUpdates { get; init; }

    public int StatusPatches { get; init; }

    /// <summary>Writes to the main resource (create, update, patch, apply, delete).</summary>
    public int Total => Creates + Updates + Patches + Applies + Deletes;

    /// <summary>Writes through the status subresource.</summary>
    public int StatusTotal => StatusUpdates + StatusPatches;

    public static WriteCounts None { get; } = new();

    internal WriteCounts Plus(WriteKind kind) => kind switch
    {
        WriteKind.Create => this with { Creates = Creates + 1 },
        WriteKind.Update => this with { Updates = Updates + 1 },
        WriteKind.Patch => this with { Patches = Patches + 1 },
        WriteKind.Apply => this with { Applies = Applies + 1 },
        WriteKind.Delete => this with { Deletes = Deletes + 1 },
        WriteKind.StatusUpdate => this with { StatusUpdates = StatusUpdates + 1 },
        WriteKind.StatusPatch => this with { StatusPatches = StatusPatches + 1 },
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown write kind"),
    };

    internal WriteCounts Plus(WriteCounts other) => new()
    {
        Creates = Creates + other.Creates,
        Updates = Updates + other.Updates,
        Patches = Patches + other.Patches,
        Applies = Applies + other.Applies,
        Deletes = Deletes + other.Deletes,
        StatusUpdates = StatusUpdates + other.StatusUpdates,
        StatusPatches = StatusPatches + other.StatusPatches,
    };
}
