namespace ModelOperator.Kubernetes.Tests;

/// <summary>Waits for a condition that another task makes true (e.g. a timer being registered), with a hard deadline.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not become true in time.");
            }

            await Task.Yield();
            await Task.Delay(1);
        }
    }
}
