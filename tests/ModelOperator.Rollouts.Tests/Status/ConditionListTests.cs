using ModelOperator.Kubernetes.Models;
using ModelOperator.Rollouts.Status;

namespace ModelOperator.Rollouts.Tests.Status;

public sealed class ConditionListTests
{
    private static readonly DateTimeOffset Ten = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset TenFive = Ten.AddMinutes(5);

    private static Condition Ready(string status, DateTimeOffset? since, string reason = "Old") => new()
    {
        Type = "Ready",
        Status = status,
        Reason = reason,
        Message = "old message",
        ObservedGeneration = 1,
        LastTransitionTime = since,
    };

    public static TheoryData<string?, DateTimeOffset?, string, DateTimeOffset> TransitionCases => new()
    {
        // existing status (null = absent), its transition time, new status, expected transition time
        { null, null, "True", TenFive },          // new condition: now
        { "True", Ten, "True", Ten },             // same status: kept
        { "False", Ten, "True", TenFive },        // flipped: now
        { "Unknown", Ten, "False", TenFive },
        { "True", null, "True", TenFive },        // same status but no time recorded: stamp now
    };

    [Theory]
    [MemberData(nameof(TransitionCases))]
    public void Set_keeps_the_transition_time_unless_the_status_flips(string? oldStatus, DateTimeOffset? oldTime, string newStatus, DateTimeOffset expected)
    {
        IReadOnlyList<Condition> existing = oldStatus is null ? [] : [Ready(oldStatus, oldTime)];

        var result = ConditionList.Set(existing, "Ready", newStatus, "New", "new message", 7, TenFive);

        var ready = Assert.Single(result);
        Assert.Equal(expected, ready.LastTransitionTime);
        Assert.Equal(newStatus, ready.Status);
        Assert.Equal("New", ready.Reason);
        Assert.Equal("new message", ready.Message);
        Assert.Equal(7, ready.ObservedGeneration);
    }

    [Fact]
    public void Set_keeps_the_order_and_other_conditions_and_does_not_mutate_the_input()
    {
        var progressing = new Condition { Type = "Progressing", Status = "True", Reason = "A", LastTransitionTime = Ten };
        IReadOnlyList<Condition> existing = [Ready("True", Ten), progressing];

        var result = ConditionList.Set(existing, "Ready", "False", "NotReady", "m", 2, TenFive);
        var appended = ConditionList.Set(result, "Degraded", "True", "CrashLoop", "m", 2, TenFive);

        Assert.Equal(["Ready", "Progressing"], result.Select(c => c.Type));
        Assert.Same(progressing, result[1]);
        Assert.Equal(["Ready", "Progressing", "Degraded"], appended.Select(c => c.Type));
        Assert.Equal("True", existing[0].Status);
    }

    [Fact]
    public void Set_collapses_duplicate_types_to_one()
    {
        IReadOnlyList<Condition> existing = [Ready("True", Ten), Ready("False", Ten)];

        var result = ConditionList.Set(existing, "Ready", "True", "R", "m", 1, TenFive);

        Assert.Equal(Ten, Assert.Single(result).LastTransitionTime);
    }

    [Theory]
    [InlineData("", "R", "True")]
    [InlineData("Ready", "", "True")]
    [InlineData("Ready", "R", "true")]
    [InlineData("Ready", "R", "Yes")]
    public void Set_rejects_empty_names_and_statuses_other_than_the_three(string type, string reason, string status)
    {
        Assert.ThrowsAny<ArgumentException>(() => ConditionList.Set(null, type, status, reason, "m", 1, Ten));
    }

    [Fact]
    public void Find_IsTrue_and_Remove_read_by_type()
    {
        IReadOnlyList<Condition> conditions = [Ready("True", Ten), new Condition { Type = "Degraded", Status = "False" }];

        Assert.True(ConditionList.IsTrue(conditions, "Ready"));
        Assert.False(ConditionList.IsTrue(conditions, "Degraded"));
        Assert.False(ConditionList.IsTrue(conditions, "Missing"));
        Assert.False(ConditionList.IsTrue(null, "Ready"));
        Assert.Null(ConditionList.Find(conditions, "Missing"));
        Assert.Equal(["Degraded"], ConditionList.Remove(conditions, "Ready").Select(c => c.Type));
    }
}
