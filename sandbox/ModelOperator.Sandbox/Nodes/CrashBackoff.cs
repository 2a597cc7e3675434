namespace ModelOperator.Sandbox.Nodes;

/// <summary>
/// The crash-loop back-off (pure), as the kubelet keeps it per container: the first exit (of a container that had
/// not exited lately) is restarted at once; before restart n ≥ 2 the container waits in CrashLoopBackOff for
/// min(initial × 2^(n−2), max). With initial 1 s and max 5 min: 0, 1 s, 2 s, 4 s, …, 256 s, then 300 s for good.
/// </summary>
public static class CrashBackoff
{
    public static TimeSpan Delay(int restart, TimeSpan initial, TimeSpan max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(restart, 1);
        if (restart == 1)
        {
            return TimeSpan.Zero;
        }

        var doublings = Math.Min(restart - 2, 40);
        var ticks = initial.Ticks * Math.Pow(2, doublings);
        return ticks >= max.Ticks ? max : TimeSpan.FromTicks((long)ticks);
    }
}
