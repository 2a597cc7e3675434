using ModelOperator.Api;
using ModelOperator.Kubectl.Rendering;
using ModelOperator.Kubectl.Tests.Support;

namespace ModelOperator.Kubectl.Tests.Rendering;

public sealed class HistoryRendererTests
{
    private static string[] Lines(string text) => text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Promoted_revisions_come_oldest_first_with_their_numbers_and_the_stable_one_marked()
    {
        var lines = Lines(HistoryRenderer.Render(Fixtures.ThreePromotions(), Fixtures.Now));

        Assert.Equal(
            [
                "REVISION  NAME              MODEL VERSION  PROMOTED                        OUTCOME",
                "1         churn-aaaaaaaaaa  1              2026-11-20T08:00:00Z (3d ago)   superseded",
                "2         churn-bbbbbbbbbb  2              2026-11-21T08:00:00Z (2d ago)   superseded",
                "3         churn-cccccccccc  3              2026-11-23T07:00:00Z (60m ago)  stable",
            ],
            lines);
    }

    [Fact]
    public void A_rolled_back_canary_is_listed_without_a_number()
    {
        var lines = Lines(HistoryRenderer.Render(Fixtures.RolledBack(), Fixtures.Now));

        Assert.Equal(3, lines.Length);
        Assert.StartsWith("1 ", lines[1], StringComparison.Ordinal);
        Assert.EndsWith("stable", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("- ", lines[2], StringComparison.Ordinal);
        Assert.Contains("churn-bbbbbbbbbb", lines[2], StringComparison.Ordinal);
        Assert.Contains("never", lines[2], StringComparison.Ordinal);
        Assert.EndsWith("rolled back: HighErrorRate, 2026-11-23T07:55:00Z (5m ago)", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void The_running_canary_is_the_last_row()
    {
        var lines = Lines(HistoryRenderer.Render(Fixtures.Canary(), Fixtures.Now));

        Assert.Contains("not yet", lines[^1], StringComparison.Ordinal);
        Assert.EndsWith("canary at 10%, step 2/5 (analysis)", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_promoted_revision_that_failed_its_bake_shows_the_rollback_on_its_own_row()
    {
        var md = Fixtures.Baking();
        md = md with
        {
            Status = md.Status! with
            {
                StableRevision = new RevisionRef { Name = Fixtures.V1, ModelVersion = "1" },
                BakeUntil = null,
                QuarantinedRevisions = [new QuarantinedRevision { Name = Fixtures.V2, ModelVersion = "2", Reason = Reasons.BakeFailed, Time = Fixtures.Now }],
                RevisionHistory = [.. md.Status.RevisionHistory!, new RevisionHistoryEntry { Name = Fixtures.V1, ModelVersion = "1", Revision = 3, PromotedAt = Fixtures.Now }],
            },
        };

        var lines = Lines(HistoryRenderer.Render(md, Fixtures.Now));

        Assert.Equal(4, lines.Length);
        Assert.EndsWith("superseded", lines[1], StringComparison.Ordinal);
        Assert.EndsWith("rolled back: BakeFailed", lines[2], StringComparison.Ordinal);
        Assert.EndsWith("stable", lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public void Without_status_or_promotions_it_says_so()
    {
        Assert.Contains("has not reported on churn", HistoryRenderer.Render(Fixtures.NoStatus(), Fixtures.Now), StringComparison.Ordinal);
        var empty = Fixtures.Healthy() with { Status = new ModelDeploymentStatus { Phase = Phases.Pending } };
        Assert.Contains("No revision of churn has been promoted yet", HistoryRenderer.Render(empty, Fixtures.Now), StringComparison.Ordinal);
    }
}
