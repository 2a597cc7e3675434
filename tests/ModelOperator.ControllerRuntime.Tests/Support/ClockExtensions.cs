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
}
