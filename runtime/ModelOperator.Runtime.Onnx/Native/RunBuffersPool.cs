namespace ModelOperator.Runtime.Onnx.Native;

/// <summary>
/// A small lock-free pool of <see cref="RunBuffers"/> for one session: a fixed array of slots
/// claimed with compare-and-swap. When every slot is taken (more concurrent runs than slots), new
/// buffers are made and the surplus is dropped on return.
/// </summary>
internal sealed class RunBuffersPool(OrtApi api, int inputCount, int outputCount, int size)
{
    private readonly RunBuffers?[] _slots = new RunBuffers?[size];

    public RunBuffers Rent()
    {
        for (var i = 0; i < _slots.Length; i++)
        {
            var item = _slots[i];
            if (item is not null && Interlocked.CompareExchange(ref _slots[i], null, item) == item)
            {
                return item;
            }
        }

        return new RunBuffers(api, inputCount, outputCount);
    }

    /// <summary>Takes back buffers whose outputs were already released.</summary>
    public void Return(RunBuffers item)
    {
        for (var i = 0; i < _slots.Length; i++)
        {
            if (Interlocked.CompareExchange(ref _slots[i], item, null) is null)
            {
                return;
            }
        }

        GC.SuppressFinalize(item);
    }
}
