namespace ModelOperator.ApiServer.Writes;

/// <summary>The kinds of accepted write requests the server counts per object.</summary>
public enum WriteKind
{
    Create,
    Update,
    Patch,
    Apply,
    Delete,
    StatusUpdate,
    StatusPatch,
}
