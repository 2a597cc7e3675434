namespace ModelOperator.Sandbox.Nodes;

/// <summary>
/// The crash-loop back-off (pure): before restart n (1 for the first restart) wait
/// min(initial × 2^(n−1), max). With initial 1 s and max 5 min: 1 s, 2 s, 4 s, …, 256 s, then 300 s for good.
/// </summary>
public static class CrashBackoff
{
    public static TimeSpan Delay(int restart, TimeSpan initial, TimeSpan max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(restart, 1);
        var doublings = Math.Min(restart - 1, 40);
        var ticks = initial.Ticks * Math.Pow(2, doublings);
        return ticks >= max.Ticks ? max : TimeSpan.FromTicks((long)ticks);
    }
}
