namespace ModelOperator.Runtime.Drift.Tests;

public sealed class DriftStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset T1 = T0.AddMinutes(1);
    private static readonly DateTimeOffset T2 = T0.AddMinutes(2);

    public static TheoryData<DriftState, DriftVerdict, DriftState> Transitions => new()
    {
        { DriftState.None, DriftVerdict.Inconclusive, DriftState.None },
        { DriftState.None, DriftVerdict.Stable, DriftState.None },
        { DriftState.None, DriftVerdict.Drifting, new DriftState(T2, null) },
        { new DriftState(T0, null), DriftVerdict.Drifting, new DriftState(T0, null) },      // keeps the first crossing
        { new DriftState(T0, null), DriftVerdict.Inconclusive, new DriftState(T0, null) },  // no data changes nothing
        { new DriftState(T0, null), DriftVerdict.Stable, new DriftState(T0, T2) },          // clears
        { new DriftState(T0, T1), DriftVerdict.Stable, new DriftState(T0, T1) },            // stays cleared
        { new DriftState(T0, T1), DriftVerdict.Drifting, new DriftState(T2, null) },        // a new episode
    };

    [Theory]
    [MemberData(nameof(Transitions))]
    public void Next_follows_the_episode(DriftState previous, DriftVerdict verdict, DriftState expected)
    {
        Assert.Equal(expected, DriftState.Next(previous, verdict, T2));
    }
}
