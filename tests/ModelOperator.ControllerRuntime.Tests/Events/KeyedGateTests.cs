using ModelOperator.ControllerRuntime.Events;

namespace ModelOperator.ControllerRuntime.Tests.Events;

public sealed class KeyedGateTests
{
    [Fact]
    public async Task The_same_key_waits_for_its_holder_and_another_key_does_not()
    {
        var gate = new KeyedGate<string>();
        var a = await gate.EnterAsync("a", CancellationToken.None);

        var secondA = gate.EnterAsync("a", CancellationToken.None);
        var b = await gate.EnterAsync("b", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(secondA.IsCompleted);
        a.Dispose();
        (await secondA.WaitAsync(TimeSpan.FromSeconds(30))).Dispose();
        b.Dispose();
    }

    [Fact]
    public async Task A_key_holds_no_lock_once_its_last_holder_and_waiter_are_gone()
    {
        var gate = new KeyedGate<string>();
        var held = await gate.EnterAsync("a", CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var waiting = gate.EnterAsync("a", cancel.Token);
        Assert.Equal(1, gate.Count);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        held.Dispose();
        held.Dispose(); // twice is harmless

        Assert.Equal(0, gate.Count);
        (await gate.EnterAsync("a", CancellationToken.None)).Dispose();
        Assert.Equal(0, gate.Count);
    }
}
