using System.Text.Json.Nodes;

namespace ModelOperator.Deploy.Tests;

/// <summary>
/// The Argo CD health check run by the real Lua interpreter over ModelDeployments taken from real operator scenario runs
/// (deploy/argocd/fixtures, written and kept current by ArgoCdHealthFixtureTests in ModelOperator.Operator.Tests).
/// </summary>
public sealed class ArgoCdFixtureHealthTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "deploy", "argocd");
    private static readonly string Script = File.ReadAllText(Path.Combine(Folder, "modeldeployment-health.lua"));

    /// <summary>What Argo CD must show for each fixture: the health status and the whole message.</summary>
    public static TheoryData<string, string, string> Expected => new()
    {
        { "pending", "Progressing", "Waiting for the stable revision to become ready: 0 of 4 pods of stable churn-c90472415d ready" },
        { "healthy", "Healthy", "Serving model version 1" },
        { "progressing", "Progressing", "Rolling out model version 2, step 4 of 4, canary weight 50%" },
        { "shadowing", "Progressing", "Rolling out model version 2, step 1 of 2, shadow 20 % for 1m (no user traffic), 500 copies compared, 0.2 % disagree" },
        { "paused-spec", "Suspended", "Rollout paused at canary weight 50%: canary churn-c7e71bb394 at step 4 of 4 (analysis): paused by spec.paused" },
        { "paused-step", "Suspended", "Rollout paused at canary weight 25%: canary churn-c7e71bb394 at step 2 of 3 (pause): paused at step 2 until promoted or resumed" },
        { "paused-confirmation", "Suspended", "Rollout paused at canary weight 50%: canary churn-c7e71bb394 at step 1 of 1 (setWeight 50): waiting for confirm webhook approve at beforePromotion of churn-c7e71bb394 to answer 2xx" },
        { "paused-inconclusive", "Suspended", "Rollout paused at canary weight 25%: canary churn-c7e71bb394 at step 2 of 4 (analysis): waiting for an analysis run over a full interval at this step" },
        { "rolled-back", "Degraded", "Model version 2 rolled back: canary churn-c7e71bb394 rolled back and quarantined: errorRate 30% is above the maximum 5% over 500 samples in 30s (failure 1, limit 0)" },
        { "degraded", "Degraded", "Degraded: 0 of 4 pods of stable churn-c90472415d ready" },
        { "invalid", "Degraded", "Invalid spec: spec is invalid: spec.rollout.steps[1].setWeight: 10 is less than 50 set by step 0; weights may only stay or rise (use the abort action to go back)" },
        { "baking", "Progressing", "Baking model version 2: churn-c7e71bb394 is guarded until 2026-03-01T12:07:05Z; churn-c90472415d stays warm" },
        { "bake-inconclusive", "Healthy", "Serving model version 2, promoted without evidence: churn-c7e71bb394 baked for 2m without evidence: no analysis run passed in the bake window (each had fewer than 100 samples, no data or a tolerated failure); churn-c90472415d is scaled down and the promotion is unproven (check that it gets traffic, or undo it)" },
        { "bake-failed", "Degraded", "Model version 2 rolled back: churn-c7e71bb394 failed while baking and was rolled back to churn-c90472415d, which stayed warm: errorRate 40% is above the maximum 5% over 500 samples in 30s (failure 1, limit 0)" },
    };

    private static JsonObject Fixture(string name) =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "fixtures", name + ".json")))!;

    private static (string Status, string Message) Health(JsonObject md)
    {
        var output = LuaRunner.Run(Script, md, "io.write(result.status, '\\n', result.message)");
        var lines = output.Split('\n', 2);
        return (lines[0], lines.Length > 1 ? lines[1] : string.Empty);
    }

    [Theory]
    [MemberData(nameof(Expected))]
    public void Each_real_status_maps_to_its_argo_cd_health(string fixture, string status, string message)
    {
        Assert.Equal((status, message), Health(Fixture(fixture)));
    }

    [Fact]
    public void Every_fixture_has_an_expectation_and_every_expectation_a_fixture()
    {
        var files = Directory.GetFiles(Path.Combine(Folder, "fixtures"), "*.json").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal);
        var expected = Expected.Select(row => (string)row[0]).Order(StringComparer.Ordinal);

        Assert.Equal(expected, files);
    }

    [Fact]
    public void The_fixtures_cover_all_four_argo_cd_health_states()
    {
        Assert.Equal(["Degraded", "Healthy", "Progressing", "Suspended"], Expected.Select(row => (string)row[1]).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_rolled_back_fixture_with_its_decision_removed_falls_back_to_the_condition_so_the_table_can_fail()
    {
        var md = Fixture("rolled-back");
        md["status"]!.AsObject().Remove("lastDecision");

        var (status, message) = Health(md);

        Assert.Equal("Degraded", status);
        Assert.StartsWith("Model version 2 rolled back: the spec's revision churn-c7e71bb394 (model version 2) was rolled back (HighErrorRate)", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fixture_whose_generation_moved_past_the_status_is_progressing()
    {
        var md = Fixture("healthy");
        md["metadata"]!["generation"] = 2;

        Assert.Equal(("Progressing", "Waiting for the operator to observe generation 2"), Health(md));
    }
}
