namespace ModelOperator.Runtime.Server.Shadow;

/// <summary>
/// The bounded queue between the request path and the senders. Adding never waits: a full (or closed) queue refuses at
/// once. Taking blocks the sender's own thread on a monitor until a copy comes or the queue closes; it does not spin,
/// so an idle sender costs nothing and a copy wakes exactly one.
/// </summary>
internal sealed class MirrorQueue(int capacity)
{
    private readonly Queue<MirrorCopy> _items = new(capacity);
    private readonly object _gate = new();
    private bool _closed;
    private int _waiting;

    /// <summary>Copies waiting to be sent.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>Queues <paramref name="copy"/>, or returns false at once when the queue is full or closed.</summary>
    public bool TryAdd(MirrorCopy copy)
    {
        lock (_gate)
        {
            if (_closed || _items.Count >= capacity)
            {
                return false;
            }

            _items.Enqueue(copy);
            if (_waiting > 0)
            {
                Monitor.Pulse(_gate);
            }

            return true;
        }
    }

    /// <summary>The next copy, waiting for one; false once the queue is closed (what was still queued is dropped).</summary>
    public bool TryTake(out MirrorCopy copy)
    {
        lock (_gate)
        {
            while (!_closed && _items.Count == 0)
            {
                _waiting++;
                Monitor.Wait(_gate);
                _waiting--;
            }

            if (_closed)
            {
                copy = null!;
                return false;
            }

            copy = _items.Dequeue();
            return true;
        }
    }

    /// <summary>Refuses further copies and wakes every waiting sender.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            Monitor.PulseAll(_gate);
        }
    }
}
