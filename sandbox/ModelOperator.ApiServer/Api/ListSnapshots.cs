using System.Text.Json.Nodes;

namespace ModelOperator.ApiServer.Api;

/// <summary>
/// The rest of a paginated list, as it was when its first page was served: a continue token resumes this snapshot, so
/// objects created after the first page do not appear, deleted ones still do, and every page answers the first page's
/// resourceVersion (a real server reads the pages from etcd at that revision). Only the newest
/// <see cref="Capacity"/> snapshots are kept; a token of an older one is answered 410 Expired, as a real server answers
/// a token whose revision was compacted.
/// </summary>
internal sealed class ListSnapshots
{
    public const int Capacity = 64;

    private readonly Dictionary<long, Snapshot> _snapshots = [];
    private readonly Queue<long> _order = new();
    private long _nextId = 1;

    /// <summary>Keeps <paramref name="items"/> (the whole filtered list, every page) and returns its id.</summary>
    public long Add(long resourceVersion, List<JsonObject> items)
    {
        var id = _nextId++;
        _snapshots[id] = new Snapshot(resourceVersion, items);
        _order.Enqueue(id);
        while (_order.Count > Capacity)
        {
            _snapshots.Remove(_order.Dequeue());
        }

        return id;
    }

    public Snapshot? Get(long id) => _snapshots.GetValueOrDefault(id);

    internal sealed record Snapshot(long ResourceVersion, List<JsonObject> Items);
}

/// <summary>One page of a list: its items, the resourceVersion it was read at, the token of the next page and how many items remain after it.</summary>
internal sealed record ListPage(List<JsonObject> Items, string ResourceVersion, string? Continue, long? RemainingItemCount);
