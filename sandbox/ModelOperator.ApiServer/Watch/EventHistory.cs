namespace ModelOperator.ApiServer.Watch;

/// <summary>
/// The last N events, so a watch can resume from a recent resourceVersion. A watch from a version
/// older than what the history still covers must get 410 Gone and relist. Guarded by the store lock.
/// </summary>
internal sealed class EventHistory
{
    private readonly WatchEvent[] _ring;
    private int _start;
    private int _count;

    public EventHistory(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new WatchEvent[capacity];
    }

    /// <summary>The resourceVersion of the newest event that has fallen out of the history (0 if none).</summary>
    public long EvictedUpTo { get; private set; }

    public void Append(WatchEvent e)
    {
        if (_count == _ring.Length)
        {
            EvictedUpTo = _ring[_start].ResourceVersion;
            _ring[_start] = e;
            _start = (_start + 1) % _ring.Length;
        }
        else
        {
            _ring[(_start + _count) % _ring.Length] = e;
            _count++;
        }
    }

    /// <summary>Forgets everything up to <paramref name="resourceVersion"/> (as an etcd compaction would).</summary>
    public void Compact(long resourceVersion)
    {
        while (_count > 0 && _ring[_start].ResourceVersion <= resourceVersion)
        {
            _ring[_start] = null!;
            _start = (_start + 1) % _ring.Length;
            _count--;
        }

        EvictedUpTo = Math.Max(EvictedUpTo, resourceVersion);
    }

    /// <summary>The events after <paramref name="resourceVersion"/>, or false when some of them were already evicted.</summary>
    public bool TryGetSince(long resourceVersion, out List<WatchEvent> events)
    {
        events = [];
        if (resourceVersion < EvictedUpTo)
        {
            return false;
        }

        for (var i = 0; i < _count; i++)
        {
            var e = _ring[(_start + i) % _ring.Length];
            if (e.ResourceVersion > resourceVersion)
            {
                events.Add(e);
            }
        }

        return true;
    }
}
