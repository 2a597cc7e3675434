using System.Globalization;
using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Json;
using ModelOperator.ApiServer.Watch;

namespace ModelOperator.ApiServer.Storage;

/// <summary>
/// The in-memory store: one table per resource, ONE global resourceVersion counter, an index from
/// owner uid to dependents (for garbage collection) and the bounded event history. Every member
/// must be called with <see cref="Gate"/> held, which makes each write and its event atomic.
/// </summary>
internal sealed class ObjectStore
{
    private readonly Dictionary<string, ResourceTable> _tables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<(string StorageKey, ObjectKey Key)>> _dependents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _perNamespace = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string StorageKey, ObjectKey Key)> _byUid = new(StringComparer.Ordinal);
    private readonly WatchHub _hub;

    public ObjectStore(int historySize, WatchHub hub)
    {
        History = new EventHistory(historySize);
        _hub = hub;
    }

    public Lock Gate { get; } = new();

    public long ResourceVersion { get; private set; }

    public EventHistory History { get; }

    public StoredObject? Get(string storageKey, ObjectKey key) =>
        _tables.TryGetValue(storageKey, out var t) ? t.Get(key) : null;

    public IEnumerable<StoredObject> Enumerate(string storageKey, string? ns, ObjectKey? after = null) =>
        _tables.TryGetValue(storageKey, out var t) ? t.Enumerate(ns, after) : [];

    public int Count(string storageKey) => _tables.TryGetValue(storageKey, out var t) ? t.Count : 0;

    /// <summary>How many namespaced objects (of any resource) live in a namespace.</summary>
    public int CountInNamespace(string ns) => _perNamespace.GetValueOrDefault(ns);

    /// <summary>The stored object with this uid, if any.</summary>
    public StoredObject? FindByUid(string uid) =>
        _byUid.TryGetValue(uid, out var at) ? Get(at.StorageKey, at.Key) : null;

    /// <summary>The stored objects whose ownerReferences name <paramref name="ownerUid"/>.</summary>
    public List<StoredObject> Dependents(string ownerUid)
    {
        var result = new List<StoredObject>();
        if (_dependents.TryGetValue(ownerUid, out var set))
        {
            foreach (var (storageKey, key) in set)
            {
                if (Get(storageKey, key) is { } d)
                {
                    result.Add(d);
                }
            }
        }

        return result;
    }

    /// <summary>Stores a new version of an object under the next resourceVersion and publishes the event.</summary>
    public StoredObject Put(string storageKey, JsonObject obj, string eventType)
    {
        var key = new ObjectKey(obj.Namespace() ?? "", obj.Name()!);
        var table = Table(storageKey);
        var previous = table.Get(key);
        var rv = ++ResourceVersion;
        obj.Metadata()["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
        var stored = new StoredObject(storageKey, key, obj, rv);
        table.Put(stored);
        if (previous is null && key.Namespace.Length > 0)
        {
            _perNamespace[key.Namespace] = _perNamespace.GetValueOrDefault(key.Namespace) + 1;
        }

        Reindex(storageKey, key, previous?.Object, obj);
        if (obj.Uid() is { } uid)
        {
            _byUid[uid] = (storageKey, key);
        }

        Emit(new WatchEvent(eventType, storageKey, key.Namespace, obj, previous?.Object, rv));
        return stored;
    }

    /// <summary>Removes an object; the DELETED event carries the object stamped with a new resourceVersion.</summary>
    public StoredObject? Remove(string storageKey, ObjectKey key, JsonObject? finalState = null)
    {
        if (!_tables.TryGetValue(storageKey, out var table) || table.Get(key) is not { } previous)
        {
            return null;
        }

        table.Remove(key);
        if (key.Namespace.Length > 0)
        {
            _perNamespace[key.Namespace] = _perNamespace.GetValueOrDefault(key.Namespace) - 1;
        }

        Reindex(storageKey, key, previous.Object, null);
        if (previous.Object.Uid() is { } uid)
        {
            _byUid.Remove(uid);
        }

        var rv = ++ResourceVersion;
        var final = finalState ?? (JsonObject)previous.Object.DeepClone();
        final.Metadata()["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
        Emit(new WatchEvent(WatchEvent.Deleted, storageKey, key.Namespace, final, previous.Object, rv));
        return new StoredObject(storageKey, key, final, rv);
    }

    /// <summary>Drops every object of a resource (its CRD was deleted), emitting DELETED for each.</summary>
    public void RemoveAll(string storageKey)
    {
        foreach (var obj in Enumerate(storageKey, null).ToList())
        {
            Remove(storageKey, obj.Key);
        }

        _tables.Remove(storageKey);
    }

    private void Emit(WatchEvent e)
    {
        History.Append(e);
        _hub.Publish(e);
    }

    private ResourceTable Table(string storageKey)
    {
        if (!_tables.TryGetValue(storageKey, out var table))
        {
            table = new ResourceTable();
            _tables[storageKey] = table;
        }

        return table;
    }

    private void Reindex(string storageKey, ObjectKey key, JsonObject? before, JsonObject? after)
    {
        if (before is not null)
        {
            foreach (var owner in before.OwnerReferences())
            {
                if (_dependents.TryGetValue(owner.Uid, out var set))
                {
                    set.Remove((storageKey, key));
                    if (set.Count == 0)
                    {
                        _dependents.Remove(owner.Uid);
                    }
                }
            }
        }

        if (after is not null)
        {
            foreach (var owner in after.OwnerReferences())
            {
                if (!_dependents.TryGetValue(owner.Uid, out var set))
                {
                    set = [];
                    _dependents[owner.Uid] = set;
                }

                set.Add((storageKey, key));
            }
        }
    }
}
