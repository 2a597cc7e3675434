namespace ModelOperator.ApiServer.Watch;

/// <summary>
/// Routes committed events to open watches. Publishing happens under the store lock, so every
/// watch sees events in resourceVersion order and none is lost between replay and subscription.
/// </summary>
internal sealed class WatchHub
{
    private readonly Lock _gate = new();
    private readonly List<WatchSubscription> _subscriptions = [];

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _subscriptions.Count;
            }
        }
    }

    public void Add(WatchSubscription s)
    {
        lock (_gate)
        {
            _subscriptions.Add(s);
        }
    }

    public void Remove(WatchSubscription s)
    {
        lock (_gate)
        {
            _subscriptions.Remove(s);
        }
    }

    public void Publish(WatchEvent e)
    {
        lock (_gate)
        {
            foreach (var s in _subscriptions)
            {
                if (s.Wants(e))
                {
                    s.Events.Writer.TryWrite(e);
                }
            }
        }
    }

    /// <summary>Ends every open watch (clients see the stream close and must re-watch).</summary>
    public int EndAll()
    {
        WatchSubscription[] all;
        lock (_gate)
        {
            all = [.. _subscriptions];
        }

        foreach (var s in all)
        {
            s.End();
        }

        return all.Length;
    }
}
