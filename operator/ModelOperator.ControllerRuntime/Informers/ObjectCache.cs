using ModelOperator.Kubernetes.Models;

namespace ModelOperator.ControllerRuntime.Informers;

/// <summary>
/// The informer's store: objects by key, plus indexes kept in step with every change
/// (client-go's <c>cache.Indexer</c>). Safe for concurrent readers and one writer.
/// </summary>
public sealed class ObjectCache<T> : IObjectCache<T>
    where T : class, IKubernetesObject
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ObjectKey, T> _objects = [];
    private readonly Dictionary<string, Func<T, IEnumerable<string>>> _indexers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, HashSet<ObjectKey>>> _indexes = new(StringComparer.Ordinal);

    /// <param name="indexers">Extra indexes by name; the <see cref="Indexers.Namespace"/> index is always there.</param>
    public ObjectCache(IReadOnlyDictionary<string, Func<T, IEnumerable<string>>>? indexers = null)
    {
        _indexers[Indexers.Namespace] = o => [o.Metadata.Namespace ?? string.Empty];
        foreach (var (name, function) in indexers ?? new Dictionary<string, Func<T, IEnumerable<string>>>())
        {
            ArgumentException.ThrowIfNullOrEmpty(name, nameof(indexers));
            ArgumentNullException.ThrowIfNull(function, nameof(indexers));
            if (!_indexers.TryAdd(name, function))
            {
                throw new ArgumentException($"The index name '{name}' is used twice (note '{Indexers.Namespace}' is built in).", nameof(indexers));
            }
        }

        foreach (var name in _indexers.Keys)
        {
            _indexes[name] = new Dictionary<string, HashSet<ObjectKey>>(StringComparer.Ordinal);
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _objects.Count;
            }
        }
    }

    public T? Get(ObjectKey key)
    {
        lock (_gate)
        {
            return _objects.GetValueOrDefault(key);
        }
    }

    public IReadOnlyList<T> List()
    {
        lock (_gate)
        {
            return Sorted(_objects.Keys);
        }
    }

    public IReadOnlyList<T> List(string @namespace) => ByIndex(Indexers.Namespace, @namespace ?? string.Empty);

    public IReadOnlyList<T> ByIndex(string indexName, string value)
    {
        ArgumentNullException.ThrowIfNull(indexName);
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            if (!_indexes.TryGetValue(indexName, out var index))
            {
                throw new ArgumentException(
                    $"There is no index named '{indexName}'. Known indexes: {string.Join(", ", _indexes.Keys.Order(StringComparer.Ordinal))}.",
                    nameof(indexName));
            }

            return index.TryGetValue(value, out var keys) ? Sorted(keys) : [];
        }
    }

    /// <summary>Every cached key.</summary>
    internal IReadOnlyCollection<ObjectKey> Keys()
    {
        lock (_gate)
        {
            return [.. _objects.Keys];
        }
    }

    /// <summary>Stores <paramref name="obj"/> under its key and returns what it replaced, if anything.</summary>
    internal T? Upsert(T obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var key = ObjectKey.From(obj);
        lock (_gate)
        {
            var old = _objects.GetValueOrDefault(key);
            if (old is not null)
            {
                Unindex(key, old);
            }

            _objects[key] = obj;
            Index(key, obj);
            return old;
        }
    }

    /// <summary>Removes the object with this key and returns it, if it was there.</summary>
    internal T? Remove(ObjectKey key)
    {
        lock (_gate)
        {
            if (!_objects.Remove(key, out var old))
            {
                return null;
            }

            Unindex(key, old);
            return old;
        }
    }

    private void Index(ObjectKey key, T obj)
    {
        foreach (var (name, function) in _indexers)
        {
            var index = _indexes[name];
            foreach (var value in function(obj).Distinct(StringComparer.Ordinal))
            {
                if (!index.TryGetValue(value, out var keys))
                {
                    index[value] = keys = [];
                }

                keys.Add(key);
            }
        }
    }

    private void Unindex(ObjectKey key, T obj)
    {
        foreach (var (name, function) in _indexers)
        {
            var index = _indexes[name];
            foreach (var value in function(obj))
            {
                if (index.TryGetValue(value, out var keys) && keys.Remove(key) && keys.Count == 0)
                {
                    index.Remove(value);
                }
            }
        }
    }

    private T[] Sorted(IEnumerable<ObjectKey> keys) =>
        [.. keys
            .Order(KeyOrder.Instance)
            .Select(k => _objects[k])];

    private sealed class KeyOrder : IComparer<ObjectKey>
    {
        public static readonly KeyOrder Instance = new();

        public int Compare(ObjectKey x, ObjectKey y)
        {
            var byNamespace = string.CompareOrdinal(x.Namespace, y.Namespace);
            return byNamespace != 0 ? byNamespace : string.CompareOrdinal(x.Name, y.Name);
        }
    }
}
