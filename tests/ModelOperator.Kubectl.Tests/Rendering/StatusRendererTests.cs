using ModelOperator.Api;
using ModelOperator.Kubectl.Rendering;
using ModelOperator.Kubectl.Tests.Support;

namespace ModelOperator.Kubectl.Tests.Rendering;

public sealed class StatusRendererTests
{
    /// <summary>One state per row: what the text must say, and what it must not.</summary>
    public static TheoryData<string, string[], string[]> Cases => new()
    {
        {
            "no status yet",
            ["Name:           churn", "Model:          churn version 2 (spec generation 1)", "Phase:          unknown: no status yet", "is it running?"],
            ["Revisions", "Last decision", "Paused"]
        },
        {
            "healthy",
            ["Phase:          Healthy", "stable  churn-aaaaaaaaaa  model version 1  100%", "Paused:         no", "Last decision:  Promote (Promoted), 120m ago", "Replicas:       3 stable, 3 ready in all"],
            ["canary", "Step:", "Bake:", "Quarantined", "evidence"]
        },
        {
            "canary in analysis",
            ["Phase:          Progressing", "stable  churn-aaaaaaaaaa  model version 1  90%", "canary  churn-bbbbbbbbbb  model version 2  10%",
             "Step:           2/5 (analysis), started 3m ago", "Last decision:  Proceed (AnalysisPassed), 2m ago",
             "evidence: errorRate 0.002 (threshold 0.01) over 1m, 1234 samples"],
            ["Quarantined", "Bake:"]
        },
        {
            "rolled back with quarantine",
            ["Phase:          RolledBack", "stable  churn-aaaaaaaaaa  model version 1  100%", "Last decision:  Rollback (HighErrorRate), 5m ago",
             "evidence: errorRate 0.125 (threshold 0.01) over 1m, 800 samples", "churn-bbbbbbbbbb rolled back: error rate 12.5% above 1%",
             "Quarantined:    churn-bbbbbbbbbb (model version 2): HighErrorRate, 5m ago", "kubectl model retry churn",
             "RolledBack  True    HighErrorRate"],
            ["canary  ", "Step:"]
        },
        {
            "paused by spec.paused",
            ["Phase:          Paused", "Paused:         yes, by spec.paused since 10m ago (continue with: kubectl model resume churn)", "canary  churn-bbbbbbbbbb  model version 2  10%"],
            ["Paused:         no"]
        },
        {
            "paused at a pause step without duration",
            ["Step:           4/5 (pause until resumed or promoted)", "Paused:         yes, at a pause step without duration (go on with: kubectl model promote churn) since 20m ago",
             "canary  churn-bbbbbbbbbb  model version 2  50%"],
            ["spec.paused"]
        },
        {
            "bake window",
            ["stable    churn-bbbbbbbbbb  model version 2  100%", "previous  churn-aaaaaaaaaa  model version 1  0% (kept ready while the stable bakes)",
             "Bake:           churn-bbbbbbbbbb under guard until 2026-11-23T08:04:00Z (4m left); a failed analysis rolls back"],
            ["canary"]
        },
        {
            "waiting for an analysis",
            ["Paused:         yes, waiting for a full analysis interval since 60s ago"],
            ["spec.paused"]
        },
        {
            "waiting for a confirm webhook after a pause step",
            ["Paused:         yes, waiting for confirmation: waiting for confirm webhook approve before step 5 of churn-bbbbbbbbbb to answer 2xx; last: HTTP 503 (or go on by hand with: kubectl model promote churn)"],
            ["at a pause step"]
        },
        {
            "undone",
            ["Last decision:  Undo, 60s ago"],
            ["Undo (Undo)"]
        },
        {
            "operator behind the spec",
            ["Observed:       generation 1 of 2: the operator has not acted on the latest spec yet"],
            []
        },
        {
            "pending undo",
            ["Pending action: undo to revision 1 (modeloperator.io/action; the operator has not handled it yet)"],
            []
        },
    };

    private static ModelDeployment Build(string name) => name switch
    {
        "no status yet" => Fixtures.NoStatus(),
        "healthy" => Fixtures.Healthy(),
        "canary in analysis" => Fixtures.Canary(),
        "rolled back with quarantine" => Fixtures.RolledBack(),
        "paused by spec.paused" => Fixtures.PausedBySpec(),
        "paused at a pause step without duration" => Fixtures.PausedAtStep(),
        "bake window" => Fixtures.Baking(),
        "waiting for an analysis" => Fixtures.Canary() with
        {
            Status = Fixtures.Canary().Status! with
            {
                Phase = Phases.Paused,
                PauseStartTime = Fixtures.Now.AddMinutes(-1),
                Conditions = [Fixtures.Cond(Conditions.Progressing, "True", Reasons.AnalysisInconclusive, "waiting for a full analysis interval")],
            },
        },
        "waiting for a confirm webhook after a pause step" => Fixtures.PausedAtStep() with
        {
            Status = Fixtures.PausedAtStep().Status! with
            {
                Conditions = [Fixtures.Cond(Conditions.Progressing, "True", Reasons.WaitingForConfirmation,
                    "waiting for confirm webhook approve before step 5 of churn-bbbbbbbbbb to answer 2xx; last: HTTP 503")],
            },
        },
        "undone" => Fixtures.ThreePromotions() with
        {
            Status = Fixtures.ThreePromotions().Status! with
            {
                LastDecision = new RolloutDecision { Action = DecisionActions.Undo, Reason = Reasons.Undo, Time = Fixtures.Now.AddMinutes(-1) },
            },
        },
        "operator behind the spec" => Fixtures.Healthy() with { Metadata = Fixtures.Healthy().Metadata with { Generation = 2 } },
        "pending undo" => Fixtures.ThreePromotions() with
        {
            Metadata = Fixtures.Healthy().Metadata with
            {
                Annotations = new Dictionary<string, string> { [Annotations.Action] = "undo", [Annotations.UndoRevision] = "1" },
            },
        },
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Renders_what_a_person_needs_to_know(string name, string[] expected, string[] absent)
    {
        var text = StatusRenderer.Render(Build(name), Fixtures.Now);

        foreach (var e in expected)
        {
            Assert.True(text.Contains(e, StringComparison.Ordinal), $"'{name}': expected «{e}» in:\n{text}");
        }

        foreach (var a in absent)
        {
            Assert.False(text.Contains(a, StringComparison.Ordinal), $"'{name}': did not expect «{a}» in:\n{text}");
        }
    }

    [Fact]
    public void A_canary_renders_exactly_so()
    {
        var text = StatusRenderer.Render(Fixtures.Canary(), Fixtures.Now);

        Assert.Equal(
            """
            Name:           churn
            Namespace:      default
            Model:          churn version 2 (spec generation 2)
            Phase:          Progressing
            Revisions:
              stable  churn-aaaaaaaaaa  model version 1  90%
              canary  churn-bbbbbbbbbb  model version 2  10%
            Step:           2/5 (analysis), started 3m ago
            Paused:         no
            Replicas:       3 stable, 4 ready in all
            Last decision:  Proceed (AnalysisPassed), 2m ago
                            evidence: errorRate 0.002 (threshold 0.01) over 1m, 1234 samples
                            analysis passed
            Conditions:
              TYPE         STATUS  REASON       MESSAGE
              Ready        True    Healthy      3/3 ready
              Progressing  True    Progressing  step 2 of 5

            """.ReplaceLineEndings(),
            text);
    }

    [Fact]
    public void The_same_object_and_time_give_the_same_text()
    {
        Assert.Equal(StatusRenderer.Render(Fixtures.RolledBack(), Fixtures.Now), StatusRenderer.Render(Fixtures.RolledBack(), Fixtures.Now));
    }

    [Fact]
    public void A_drift_decision_lists_the_causes_it_names()
    {
        var md = Fixtures.RolledBack();
        md = md with
        {
            Status = md.Status! with
            {
                LastDecision = md.Status.LastDecision! with
                {
                    Reason = Reasons.FeatureDrift,
                    Metric = "featureDrift",
                    Causes =
                    [
                        new DecisionCause { Name = "contract_months", Score = 2.9431, Samples = 1200, Summary = "unseen 33.3 % (reference 0 %)", Since = Fixtures.Now.AddMinutes(-7) },
                        new DecisionCause { Name = "tenure_months", Score = 0.12, Samples = 1200, Summary = "mean 32 → 35" },
                    ],
                },
            },
        };

        var text = StatusRenderer.Render(md, Fixtures.Now);

        Assert.Contains("cause: contract_months 2.943 over 1200 values: unseen 33.3 % (reference 0 %); since ", text, StringComparison.Ordinal);
        Assert.Contains("cause: tenure_months 0.12 over 1200 values: mean 32 → 35\n", text + "\n", StringComparison.Ordinal);
    }

    [Fact]
    public void A_bake_that_has_ended_says_so_and_keeps_no_previous_revision()
    {
        var text = StatusRenderer.Render(Fixtures.Baking(), Fixtures.Now.AddMinutes(10));

        Assert.Contains("Bake:           ended 6m ago (2026-11-23T08:04:00Z)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("previous", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bake_that_ended_without_evidence_says_so()
    {
        var healthy = Fixtures.Healthy();
        var md = healthy with
        {
            Status = healthy.Status! with
            {
                LastDecision = new RolloutDecision
                {
                    Action = DecisionActions.Proceed,
                    Reason = Reasons.BakeInconclusive,
                    Message = "churn-aaaaaaaaaa baked for 5m without evidence",
                    Time = Fixtures.Now.AddMinutes(-1),
                },
            },
        };

        var text = StatusRenderer.Render(md, Fixtures.Now);

        Assert.Contains("Bake:           ended without evidence (BakeInconclusive): no analysis run passed while it baked", text, StringComparison.Ordinal);
        Assert.Contains("kubectl model undo churn", text, StringComparison.Ordinal);
        Assert.Contains("Last decision:  Proceed (BakeInconclusive), 60s ago", text, StringComparison.Ordinal);
        Assert.DoesNotContain("ended without evidence", StatusRenderer.Render(healthy, Fixtures.Now), StringComparison.Ordinal);
    }
}
