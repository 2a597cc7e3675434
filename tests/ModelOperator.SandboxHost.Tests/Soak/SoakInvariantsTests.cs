using ModelOperator.Api;
using ModelOperator.SandboxHost.Soak;

namespace ModelOperator.SandboxHost.Tests.Soak;

/// <summary>Each invariant on a history that keeps it and on histories that break it, one way per row.</summary>
public sealed class SoakInvariantsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 16, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(double seconds) => T0.AddSeconds(seconds);

    private static RevisionRef Rev(string name, string version) => new() { Name = name, ModelVersion = version };

    private static StatusSample Status(double seconds, RevisionRef? stable, RevisionRef? canary = null, QuarantinedRevision[]? quarantined = null, RolloutDecision? decision = null) =>
        new(At(seconds), new ModelDeploymentStatus { StableRevision = stable, CanaryRevision = canary, QuarantinedRevisions = quarantined, LastDecision = decision });

    private static readonly RevisionRef V1 = Rev("churn-aaaaaaaaaa", "1");
    private static readonly RevisionRef V2 = Rev("churn-bbbbbbbbbb", "2");
    private static readonly RevisionRef V3 = Rev("churn-cccccccccc", "3");
    private static readonly HashSet<string> Bad = new(["3"], StringComparer.Ordinal);

    // ---- no duplicate children ----------------------------------------------------------------------------------

    public static TheoryData<string, ChildObject[], bool> ChildCases() => new()
    {
        { "one Deployment per revision and the main Service", [new("Deployment", "churn-aaaaaaaaaa", "churn", "churn-aaaaaaaaaa"), new("Deployment", "churn-bbbbbbbbbb", "churn", "churn-bbbbbbbbbb"), new("Service", "churn", "churn", null)], true },
        { "objects nobody owns are not counted", [new("Deployment", "other", null, null), new("Service", "kubernetes", null, null)], true },
        { "a second Deployment for one revision", [new("Deployment", "churn-aaaaaaaaaa", "churn", "churn-aaaaaaaaaa"), new("Deployment", "churn-aaaaaaaaaa-x7k2p", "churn", "churn-aaaaaaaaaa")], false },
        { "a revision Deployment not named after its revision", [new("Deployment", "churn-v1", "churn", "churn-aaaaaaaaaa")], false },
        { "a main Service not named after the ModelDeployment", [new("Service", "churn-main", "churn", null)], false },
        { "two Services for one revision", [new("Service", "churn-aaaaaaaaaa", "churn", "churn-aaaaaaaaaa"), new("Service", "churn-aaaaaaaaaa-2", "churn", "churn-aaaaaaaaaa")], false },
    };

    [Theory]
    [MemberData(nameof(ChildCases))]
    public void Children_follow_the_naming_rules(string _, ChildObject[] children, bool holds)
    {
        var result = SoakInvariants.CheckChildren([new ChildrenSample(At(1), children)]);
        Assert.Equal(holds, result.Held);
    }

    [Fact]
    public void A_lasting_duplicate_is_reported_once_with_the_time_first_seen()
    {
        ChildObject[] twice = [new("Deployment", "churn-aaaaaaaaaa", "churn", "churn-aaaaaaaaaa"), new("Deployment", "churn-aaaaaaaaaa-2", "churn", "churn-aaaaaaaaaa")];
        var result = SoakInvariants.CheckChildren([new ChildrenSample(At(1), twice), new ChildrenSample(At(3), twice)]);
        var line = Assert.Single(result.Violations, v => v.Contains("2 Deployments", StringComparison.Ordinal));
        Assert.StartsWith("16:00:01.000 ", line, StringComparison.Ordinal);
        Assert.Contains("churn-aaaaaaaaaa, churn-aaaaaaaaaa-2", line, StringComparison.Ordinal);
    }

    // ---- no failed revision promoted -----------------------------------------------------------------------------

    public static TheoryData<string, StatusSample[], bool> PromotionCases() => new()
    {
        { "good canary promoted", [Status(0, V1, V2), Status(5, V2)], true },
        { "bad canary quarantined, stable unchanged", [Status(0, V1, V3), Status(5, V1, null, [new() { Name = V3.Name, ModelVersion = "3", Reason = "PredictionDrift", Time = At(5) }])], true },
        { "a quarantined revision becomes stable later", [Status(0, V1, V2), Status(5, V1, null, [new() { Name = V2.Name, ModelVersion = "2", Reason = "HighErrorRate", Time = At(5) }]), Status(9, V2)], false },
        { "a bad version becomes stable", [Status(0, V1, V3), Status(5, V3)], false },
    };

    [Theory]
    [MemberData(nameof(PromotionCases))]
    public void No_revision_that_failed_is_promoted(string _, StatusSample[] statuses, bool holds) =>
        Assert.Equal(holds, SoakInvariants.CheckNoFailedPromotion(statuses, Bad).Held);

    // ---- every bad version rolled back ---------------------------------------------------------------------------

    public static TheoryData<string, RoundRecord[], bool> RoundCases() => new()
    {
        { "bad rolled back, good promoted", [Round(1, "3", true, RoundOutcome.RolledBack), Round(2, "2", false, RoundOutcome.Promoted)], true },
        { "a good version rolled back by the faults is allowed", [Round(1, "2", false, RoundOutcome.RolledBack)], true },
        { "a bad version promoted", [Round(1, "3", true, RoundOutcome.Promoted)], false },
        { "a bad version still running at its deadline", [Round(1, "3", true, RoundOutcome.Unfinished)], false },
    };

    private static RoundRecord Round(int n, string version, bool bad, RoundOutcome outcome) =>
        new(n, version, bad, At(n * 100), $"churn-{n:0000000000}", outcome, "PredictionDrift", At((n * 100) + 60));

    [Theory]
    [MemberData(nameof(RoundCases))]
    public void Every_bad_version_is_rolled_back(string _, RoundRecord[] rounds, bool holds) =>
        Assert.Equal(holds, SoakInvariants.CheckBadVersionsRolledBack(rounds).Held);

    // ---- decisions have Events -----------------------------------------------------------------------------------

    private static RolloutDecision Decision(double seconds, string action, string reason, string message) =>
        new() { Action = action, Reason = reason, Message = message, Time = At(seconds) };

    public static TheoryData<string, StatusSample[], EventRecord[], double[], bool> EventCases()
    {
        var promote = Decision(5, DecisionActions.Promote, Reasons.Promoted, "churn-bbbbbbbbbb (model version 2) promoted to stable");
        var passed = Decision(3, DecisionActions.Proceed, Reasons.AnalysisPassed, "analysis passed at step 2");
        var waiting = Decision(4, DecisionActions.Pause, Reasons.AnalysisInconclusive, "too few samples");
        var longMessage = Decision(6, DecisionActions.Rollback, Reasons.PredictionDrift, new string('x', 1100));
        return new()
        {
            { "each decision has its Event (the reasons may differ)", [Status(3, V1, V2, decision: passed), Status(5, V2, decision: promote)], [new("Normal", "StepComplete", passed.Message!), new("Normal", "Promoted", promote.Message!)], [], true },
            { "an inconclusive wait has its Event", [Status(4, V1, V2, decision: waiting)], [new("Normal", "AnalysisInconclusive", waiting.Message!)], [], true },
            { "an inconclusive wait without an Event", [Status(4, V1, V2, decision: waiting)], [], [], false },
            { "a long message cut by the recorder still matches", [Status(6, V1, decision: longMessage)], [new("Warning", "PredictionDrift", new string('x', 1021) + "...")], [], true },
            { "a promotion without an Event", [Status(5, V2, decision: promote)], [new("Normal", "Progressing", "canary started")], [], false },
            { "an Event with another message", [Status(5, V2, decision: promote)], [new("Normal", "Promoted", "churn-cccccccccc (model version 3) promoted to stable")], [], false },
            { "the same message in two rollouts, one Event each, aggregated", [Status(3, V1, V2, decision: passed), Status(90, V2, V3, decision: passed with { Time = At(90) })], [new("Normal", "StepComplete", passed.Message!, 2)], [], true },
            { "a promotion without an Event, its operator killed 2 s after it", [Status(5, V2, decision: promote)], [], [7], true },
            { "a promotion without an Event, an operator killed before it", [Status(5, V2, decision: promote)], [], [4], false },
            { "a promotion without an Event, an operator killed long after it", [Status(5, V2, decision: promote)], [], [60], false },
            { "the same message in two rollouts, the first Event lost", [Status(3, V1, V2, decision: passed), Status(90, V2, V3, decision: passed with { Time = At(90) })], [new("Normal", "StepComplete", passed.Message!, 1)], [], false },
        };
    }

    [Theory]
    [MemberData(nameof(EventCases))]
    public void Every_decision_has_its_Event_unless_its_operator_was_killed_while_writing_it(string _, StatusSample[] statuses, EventRecord[] events, double[] killedAt, bool holds) =>
        Assert.Equal(holds, SoakInvariants.CheckDecisionEvents(statuses, events, [.. killedAt.Select(At)]).Held);

    // ---- answers from serving revisions --------------------------------------------------------------------------

    public static TheoryData<string, ServedAnswer[], bool> ServedCases() => new()
    {
        { "stable and canary answer while both are named", [new(At(60), At(60.1), "1"), new(At(61), At(61.1), "2")], true },
        { "the canary answers just before the status names it", [new(At(45), At(45.1), "2")], true },
        { "a rolled-back canary answers within the slack after rollback", [new(At(170), At(170.1), "2")], true },
        { "a rolled-back canary still answers long after", [new(At(250), At(250.1), "2")], false },
        { "a version never rolled out answers", [new(At(60), At(60.1), "7")], false },
        { "answers before the first look are not checked", [new(At(-100), At(-99.9), "7")], true },
    };

    [Theory]
    [MemberData(nameof(ServedCases))]
    public void Every_answer_comes_from_a_revision_the_status_names(string _, ServedAnswer[] answers, bool holds)
    {
        // v1 stable throughout; canary v2 named from 50 s, rolled back by 150 s.
        StatusSample[] statuses = [Status(0, V1), Status(50, V1, V2), Status(100, V1, V2), Status(150, V1), Status(200, V1), Status(300, V1)];
        var result = SoakInvariants.CheckServedVersions(answers, statuses);
        Assert.Equal(holds, result.Held);
    }

    // ---- checksums -----------------------------------------------------------------------------------------------

    public static TheoryData<string, MetadataAnswer[], bool> ChecksumCases() => new()
    {
        { "each version with its manifest's sha256", [new(At(1), "1", "aa11"), new(At(2), "2", "BB22")], true },
        { "a version answering with another sha256", [new(At(1), "2", "aa11")], false },
        { "a version no manifest names", [new(At(1), "9", "aa11")], false },
    };

    [Theory]
    [MemberData(nameof(ChecksumCases))]
    public void Every_model_answers_with_the_sha256_of_its_version(string _, MetadataAnswer[] answers, bool holds)
    {
        var expected = new Dictionary<string, string>(StringComparer.Ordinal) { ["1"] = "aa11", ["2"] = "bb22" };
        Assert.Equal(holds, SoakInvariants.CheckChecksums(answers, expected).Held);
    }

    // ---- operator memory -----------------------------------------------------------------------------------------

    private const long Mib = 1024 * 1024;

    public static TheoryData<string, RssSample[], bool, long> RssCases() => new()
    {
        { "flat after the warm-up", [new(10, T0, At(5), 40 * Mib), new(10, T0, At(60), 80 * Mib), new(10, T0, At(300), 100 * Mib)], true, 1 },
        { "start-up growth before the baseline is not counted", [new(10, T0, At(5), 10 * Mib), new(10, T0, At(61), 90 * Mib), new(10, T0, At(400), 90 * Mib)], true, 1 },
        { "growth past the bound", [new(10, T0, At(60), 80 * Mib), new(10, T0, At(300), 150 * Mib)], false, 1 },
        { "a process killed before the warm-up ended is not checked", [new(11, T0, At(5), 10 * Mib), new(11, T0, At(50), 500 * Mib)], true, 0 },
        { "each process against its own baseline", [new(10, T0, At(60), 80 * Mib), new(12, At(100), At(170), 200 * Mib), new(12, At(100), At(400), 220 * Mib)], true, 2 },
    };

    [Theory]
    [MemberData(nameof(RssCases))]
    public void Operator_memory_grows_no_more_than_the_bound(string _, RssSample[] samples, bool holds, long processesChecked)
    {
        var result = SoakInvariants.CheckRss(samples, TimeSpan.FromSeconds(60), 64 * Mib);
        Assert.Equal(holds, result.Held);
        Assert.Equal(processesChecked, result.Checked);
    }

    [Fact]
    public void CheckAll_runs_every_invariant_and_a_violation_names_its_evidence()
    {
        var history = new SoakHistory
        {
            Statuses = [Status(0, V1, V3), Status(5, V3)],
            BadVersions = Bad,
        };
        var results = SoakInvariants.CheckAll(history, TimeSpan.FromSeconds(60), 64 * Mib);
        Assert.Equal(7, results.Count);
        var failed = Assert.Single(results, r => !r.Held);
        Assert.Equal(SoakInvariants.NoFailedRevisionPromoted, failed.Name);
        Assert.Contains("churn-cccccccccc of the bad model version 3 is stable", Assert.Single(failed.Violations), StringComparison.Ordinal);
    }
}
