using System.Collections.Concurrent;

namespace ModelOperator.ApiServer.Writes;

/// <summary>Counts accepted writes per object so tests can assert how many writes a reconcile made.</summary>
internal sealed class WriteCounter
{
    private readonly ConcurrentDictionary<(string StorageKey, string Namespace, string Name), WriteCounts> _counts = new();

    public void Record(string storageKey, string ns, string name, WriteKind kind) =>
        _counts.AddOrUpdate((storageKey, ns, name), _ => WriteCounts.None.Plus(kind), (_, c) => c.Plus(kind));

    /// <summary>
    /// The counts for an object. <paramref name="resource"/> is the plural (<c>deployments</c>) or the
    /// qualified resource (<c>deployments.apps</c>); <paramref name="ns"/> is empty for cluster-scoped objects.
    /// </summary>
    public WriteCounts Get(string resource, string ns, string name)
    {
        var total = WriteCounts.None;
        foreach (var ((storageKey, n, nm), counts) in _counts)
        {
            if (n == ns && nm == name && (storageKey == resource || storageKey.StartsWith(resource + ".", StringComparison.Ordinal)))
            {
                total = total.Plus(counts);
            }
        }

        return total;
    }

    /// <summary>Every write so far, across all objects.</summary>
    public WriteCounts All() => _counts.Values.Aggregate(WriteCounts.None, (a, b) => a.Plus(b));

    public void Reset() => _counts.Clear();
}
