namespace ModelOperator.Prometheus;

/// <summary>
/// Lock-free operations on a double stored as its IEEE-754 bits in a <see cref="long"/> field.
/// Compare-and-swap on the bits (not on the double) so NaN and -0 behave.
/// </summary>
internal static class AtomicDouble
{
    public static double Read(ref long bits) => BitConverter.Int64BitsToDouble(Volatile.Read(ref bits));

    public static void Set(ref long bits, double value) => Interlocked.Exchange(ref bits, BitConverter.DoubleToInt64Bits(value));

    public static void Add(ref long bits, double delta)
    {
        long current = Volatile.Read(ref bits);
        while (true)
        {
            long next = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(current) + delta);
            long seen = Interlocked.CompareExchange(ref bits, next, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
