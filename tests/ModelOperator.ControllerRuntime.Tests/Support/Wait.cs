namespace ModelOperator.ControllerRuntime.Tests.Support;

/// <summary>Waiting helpers for async steps: generous deadlines, never a fixed delay.</summary>
internal static class Wait
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    /// <summary>Yields until <paramref name="condition"/> holds; fails the test after <see cref="Patience"/>.</summary>
    public static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }

            await Task.Yield();
        }
    }

    public static Task<T> Within<T>(this Task<T> task) => task.WaitAsync(Patience);

    public static Task Within(this Task task) => task.WaitAsync(Patience);

    public static ValueTask<T> ReadWithin<T>(this System.Threading.Channels.ChannelReader<T> reader) =>
        new(reader.ReadAsync().AsTask().WaitAsync(Patience));
}
