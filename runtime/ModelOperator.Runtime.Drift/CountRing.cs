namespace ModelOperator.Runtime.Drift;

/// <summary>
/// A ring of time buckets of counters. Bucket <c>epoch</c> (time ÷ bucket width) lives in slot <c>epoch mod N</c>;
/// a slot still holding an older epoch is cleared lazily by the first writer of the new epoch.
/// </summary>
/// <remarks>
/// Concurrency, without locks or allocation: a writer announces itself in <see cref="Slot.Writers"/> and then
/// re-checks the slot's epoch; the thread that recycles a slot first swaps its epoch to a "resetting" mark (CAS),
/// then waits for the announced writers of the old epoch to leave, clears the counters and publishes the new epoch.
/// Both sides use interlocked (full-fence) operations, so either the writer sees the mark and backs off, or the
/// recycler sees the writer and waits for it: no count lands in the wrong bucket and none is wiped after it is made.
/// A writer whose epoch is older than the slot's (its clock lagged by a whole ring) drops its record.
/// </remarks>
internal sealed class CountRing
{
    private const long Resetting = -2;
    private const long Empty = -1;

    private readonly Slot[] _slots;

    public CountRing(int slots, int countersPerSlot)
    {
        _slots = new Slot[slots];
        for (int i = 0; i < slots; i++)
        {
            _slots[i] = new Slot(countersPerSlot);
        }
    }

    public int SlotCount => _slots.Length;

    /// <summary>Enters the slot of <paramref name="epoch"/> for writing (clearing it first if it held an older epoch); null when the epoch has already left the ring.</summary>
    public Slot? Enter(long epoch)
    {
        Slot slot = _slots[(int)(epoch % _slots.Length)];
        SpinWait spin = default;
        while (true)
        {
            long current = Volatile.Read(ref slot.Epoch);
            if (current == epoch)
            {
                Interlocked.Increment(ref slot.Writers);
                if (Volatile.Read(ref slot.Epoch) == epoch)
                {
                    return slot;
                }

                Interlocked.Decrement(ref slot.Writers);
            }
            else if (current == Resetting)
            {
                spin.SpinOnce();
            }
            else if (current < epoch)
            {
                if (Interlocked.CompareExchange(ref slot.Epoch, Resetting, current) == current)
                {
                    SpinWait drain = default;
                    while (Volatile.Read(ref slot.Writers) != 0)
                    {
                        drain.SpinOnce();
                    }

                    Array.Clear(slot.Counts);
                    Volatile.Write(ref slot.Epoch, epoch);
                }
            }
            else
            {
                return null;
            }
        }
    }

    public static void Exit(Slot slot) => Interlocked.Decrement(ref slot.Writers);

    /// <summary>
    /// Adds into <paramref name="totals"/> the counters of every slot whose epoch is in [<paramref name="firstEpoch"/>, <paramref name="lastEpoch"/>],
    /// skipping a slot that was recycled while being read. Returns how many slots were added.
    /// </summary>
    public int SumInto(long firstEpoch, long lastEpoch, long[] totals)
    {
        var scratch = new long[totals.Length];
        int added = 0;
        foreach (Slot slot in _slots)
        {
            long before = Volatile.Read(ref slot.Epoch);
            if (before < firstEpoch || before > lastEpoch)
            {
                continue;
            }

            for (int i = 0; i < scratch.Length; i++)
            {
                scratch[i] = Volatile.Read(ref slot.Counts[i]);
            }

            if (Volatile.Read(ref slot.Epoch) != before)
            {
                continue;
            }

            for (int i = 0; i < totals.Length; i++)
            {
                totals[i] += scratch[i];
            }

            added++;
        }

        return added;
    }

    internal sealed class Slot(int counters)
    {
        public readonly long[] Counts = new long[counters];

        public long Epoch = Empty;

        public int Writers;
    }
}
