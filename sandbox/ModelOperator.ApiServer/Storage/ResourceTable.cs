namespace ModelOperator.ApiServer.Storage;

/// <summary>
/// The objects of one resource, ordered by key so that lists and paginated continuations are
/// O(log n + page) rather than a scan. Not thread-safe: <see cref="ObjectStore"/> guards it.
/// </summary>
internal sealed class ResourceTable
{
    private readonly Dictionary<ObjectKey, StoredObject> _byKey = [];
    private readonly SortedSet<ObjectKey> _order = [];

    public int Count => _byKey.Count;

    public StoredObject? Get(ObjectKey key) => _byKey.GetValueOrDefault(key);

    public void Put(StoredObject obj)
    {
        if (!_byKey.ContainsKey(obj.Key))
        {
            _order.Add(obj.Key);
        }

        _byKey[obj.Key] = obj;
    }

    public bool Remove(ObjectKey key) => _byKey.Remove(key) && _order.Remove(key);

    /// <summary>Objects in key order, optionally within one namespace, strictly after <paramref name="after"/>.</summary>
    public IEnumerable<StoredObject> Enumerate(string? ns, ObjectKey? after)
    {
        if (_order.Count == 0)
        {
            yield break;
        }

        var lower = ns is null ? _order.Min : new ObjectKey(ns, "");
        var upper = ns is null ? _order.Max : new ObjectKey(ns + "\uffff", "");
        if (after is { } a && a.CompareTo(lower) > 0)
        {
            lower = a;
        }

        if (lower.CompareTo(upper) > 0)
        {
            yield break;
        }

        foreach (var key in _order.GetViewBetween(lower, upper))
        {
            if (after is { } skip && key.Equals(skip))
            {
                continue;
            }

            yield return _byKey[key];
        }
    }
}
