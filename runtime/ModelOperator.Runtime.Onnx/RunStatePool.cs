namespace ModelOperator.Runtime.Onnx;

/// <summary>
/// A small lock-free pool of <see cref="RunState"/> for one session: a fixed array of slots
/// claimed with compare-and-swap. When every slot is taken (more concurrent runs than slots), new
/// states are made and the surplus is disposed on return. <see cref="Close"/> disposes what it holds
/// and everything returned later.
/// </summary>
internal sealed class RunStatePool(Func<RunState> create, int size)
{
    private readonly RunState?[] _slots = new RunState?[size];
    private volatile bool _closed;

    public RunState Rent()
    {
        for (var i = 0; i < _slots.Length; i++)
        {
            var item = _slots[i];
            if (item is not null && Interlocked.CompareExchange(ref _slots[i], null, item) == item)
            {
                return item;
            }
        }

        return create();
    }

    /// <summary>Takes back a state whose outputs were already released.</summary>
    public void Return(RunState item)
    {
        if (!_closed)
        {
            for (var i = 0; i < _slots.Length; i++)
            {
                if (Interlocked.CompareExchange(ref _slots[i], item, null) is null)
                {
                    return;
                }
            }
        }

        item.Dispose();
    }

    public void Close()
    {
        _closed = true;
        for (var i = 0; i < _slots.Length; i++)
        {
            Interlocked.Exchange(ref _slots[i], null)?.Dispose();
        }
    }
}
