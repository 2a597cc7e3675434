namespace ModelOperator.ApiServer.Patch;

/// <summary>How a list merges: replaced whole, merged by key fields, or merged as a set of scalars.</summary>
internal sealed record ListStrategy(ListMergeKind Kind, IReadOnlyList<string> Keys)
{
    public static readonly ListStrategy Atomic = new(ListMergeKind.Atomic, []);

    public static readonly ListStrategy Set = new(ListMergeKind.Set, []);

    public static ListStrategy ByKey(params string[] keys) => new(ListMergeKind.Map, keys);
}

internal enum ListMergeKind
{
    Atomic,
    Map,
    Set,
}

/// <summary>Resolves the list strategy of the list field at a path (field names from the root, indexes dropped).</summary>
internal delegate ListStrategy ListStrategyResolver(IReadOnlyList<string> path);
