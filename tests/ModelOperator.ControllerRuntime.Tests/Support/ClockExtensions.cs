using ModelOperator.Testing;

namespace ModelOperator.ControllerRuntime.Tests.Support;

internal static class ClockExtensions
{
    /// <summary>
    /// Advances the clock on a thread-pool thread. There no synchronization context is current, so the
    /// continuations of the timers that fire (ConfigureAwait(false) throughout the runtime) run inline
    /// and each component has taken its step by the time this completes. Under xunit's context they
    /// would be posted to other threads instead and could still be running.
    /// </summary>
    public static Task AdvanceInline(this ManualTimeProvider clock, TimeSpan delta) =>
        Task.Run(() => clock.Advance(delta)).WaitAsync(Wait.Patience);

    /// <summary>
    /// For components that also wait on real I/O: whenever something waits on the clock (and
    /// <paramref name="idle"/> says no I/O is in flight), moves it by <paramref name="step"/>, until <paramref name="condition"/> holds (real-time deadline: <see cref="Wait.Patience"/>).
    /// </summary>
    public static async Task AdvanceUntil(this ManualTimeProvider clock, Func<bool> condition, TimeSpan step, string what, Func<bool>? idle = null)
    {
        var deadline = DateTime.UtcNow + Wait.Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }

            if (clock.PendingTimers > 0 && (idle is null || idle()))
            {
                await clock.AdvanceInline(step);
            }

            await Task.Yield();
        }
    }
}
