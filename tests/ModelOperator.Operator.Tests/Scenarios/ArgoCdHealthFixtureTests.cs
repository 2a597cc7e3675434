using System.Text.Json.Nodes;
using ModelOperator.Api;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Operator.Tests.Scenarios;

/// <summary>
/// Given / When / Then scenarios that stop at the moments Argo CD must tell apart, and keep the ModelDeployment as the
/// API server stores it there (status included) as a fixture for the Lua health check (deploy/argocd/fixtures).
/// </summary>
public sealed class ArgoCdHealthFixtureTests
{
    /// <summary>Every fixture a scenario below writes; the folder holds these and no others.</summary>
    public static readonly string[] Names =
    [
        "pending", "healthy", "progressing", "paused-spec", "paused-step", "paused-inconclusive",
        "rolled-back", "degraded", "invalid", "baking", "bake-failed", "bake-inconclusive", "shadowing",
        "paused-confirmation",
    ];

    /// <summary>The object exactly as the API server stores and serves it, not as the C# types would write it.</summary>
    private static async Task<JsonObject> StoredAsync(OperatorTestBed bed)
    {
        using var http = new HttpClient { BaseAddress = bed.Server.BaseUrl };
        var json = await http.GetStringAsync(
            $"apis/{ModelDeployment.Group}/{ModelDeployment.Version}/namespaces/{OperatorTestBed.Namespace}/{ModelDeployment.Plural}/churn");
        return (JsonObject)JsonNode.Parse(json)!;
    }

    private static async Task KeepAsync(OperatorTestBed bed, string name) => ArgoCdFixtures.Verify(name, await StoredAsync(bed));

    private static Task SetPausedAsync(OperatorTestBed bed, bool paused) =>
        bed.Client.Resource<ModelDeployment>().PatchAsync(OperatorTestBed.Key("churn"),
            Patch.Merge(new JsonObject { ["spec"] = new JsonObject { ["paused"] = paused } }));

    private static ModelDeployment WithRollout(Func<RolloutSpec, RolloutSpec> change)
    {
        var md = ScenarioTests.Md();
        return md with { Spec = md.Spec! with { Rollout = change(md.Spec.Rollout!) } };
    }

    [Fact]
    public async Task First_revision_starting_then_converged()
    {
        // Given a new ModelDeployment whose pods are not ready after the first round
        await using var bed = await OperatorTestBed.StartAsync();
        bed.Behave("1", new VersionBehaviour(ModelReason: "Loading", ModelMessage: "fetching s3://models/churn/1/model.onnx"));
        await bed.CreateAsync(ScenarioTests.Md());
        var pending = await bed.RunUntilAsync("churn", m => m.Status?.Phase is not null);
        Assert.Equal(Phases.Pending, pending.Status!.Phase);
        await KeepAsync(bed, "pending");

        // When its model loads, then it converges to Healthy
        bed.Behave("1", new VersionBehaviour());
        var healthy = await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.Healthy);
        Assert.Null(healthy.Status!.CanaryRevision);
        await KeepAsync(bed, "healthy");
    }

    [Fact]
    public async Task Canary_mid_steps_then_paused_by_spec()
    {
        // Given version 2 past its first analysis, at 50% and analysing again
        await using var bed = await OperatorTestBed.StartAsync();
        await ScenarioTests.HealthyAsync(bed);
        await ScenarioTests.NewVersionAsync(bed, "2");
        var mid = await bed.RunUntilAsync("churn", m => m.Status?.CanaryWeight == 50);
        Assert.True(mid.Status!.CurrentStepIndex >= 2, $"step {mid.Status.CurrentStepIndex}");
        Assert.Equal(Phases.Progressing, mid.Status.Phase);
        await KeepAsync(bed, "progressing");

        // When a user sets spec.paused
        await SetPausedAsync(bed, true);
        var paused = await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.Paused);
        Assert.Equal(50, paused.Status!.CanaryWeight);
        await KeepAsync(bed, "paused-spec");
    }

    [Fact]
    public async Task Canary_waiting_at_an_open_ended_pause_step()
    {
        await using var bed = await OperatorTestBed.StartAsync();
        await ScenarioTests.HealthyAsync(bed, ScenarioTests.Md(steps: [new RolloutStep { SetWeight = 25 }, new RolloutStep { Pause = new PauseStep() }, new RolloutStep { SetWeight = 50 }]));

        await ScenarioTests.NewVersionAsync(bed, "2");
        var waiting = await bed.RunUntilAsync("churn", m => m.Status?.CurrentStepIndex == 1 && m.Status.Phase == Phases.Paused);

        Assert.False(waiting.Spec!.Paused ?? false);
        await KeepAsync(bed, "paused-step");
    }

    [Fact]
    public async Task Canary_with_too_little_traffic_waits_inconclusive()
    {
        await using var bed = await OperatorTestBed.StartAsync();
        await ScenarioTests.HealthyAsync(bed);
        bed.Behave("2", new VersionBehaviour(Samples: 7));

        await ScenarioTests.NewVersionAsync(bed, "2");
        var waiting = await bed.RunUntilAsync("churn", m =>
            m.Status?.Conditions?.Any(c => c.Type == Conditions.Progressing && c.Reason == Reasons.AnalysisInconclusive) == true);

        Assert.NotNull(waiting.Status!.CanaryRevision);
        await KeepAsync(bed, "paused-inconclusive");
    }

    [Fact]
    public async Task Canary_waiting_for_a_confirm_webhook_with_a_token_from_a_Secret()
    {
        // Given a confirm webhook before promotion that sends a bearer token from a Secret (the bed makes no calls, so the
        // stored object is the one Argo CD sees when the point is reached, before any answer)
        await using var bed = await OperatorTestBed.StartAsync();
        bed.Options = bed.Options with { AnalysisWebAllowedPrefixes = ["https://approvals.ops.svc/"] };
        bed.Reconciler = bed.NewReconciler();
        var hook = new RolloutWebhook
        {
            Name = "approve", Kind = WebhookKinds.Confirm, At = WebhookPoints.BeforePromotion,
            Url = "https://approvals.ops.svc/ml/{{namespace}}/{{modelDeployment}}?revision={{revision}}",
            Headers = [new HttpHeader { Name = "Authorization", ValueFrom = new HttpHeaderSource { SecretKeyRef = new SecretKey { Name = "approvals", Key = "token" } } }],
        };
        await ScenarioTests.HealthyAsync(bed, WithRollout(r => r with { Steps = [new RolloutStep { SetWeight = 50 }], Webhooks = [hook] }));

        // When version 2 has done its steps
        await ScenarioTests.NewVersionAsync(bed, "2");
        var waiting = await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.Paused);

        // Then it is paused, waiting for confirmation
        Assert.Equal(Reasons.WaitingForConfirmation, waiting.Status!.LastDecision!.Reason);
        await KeepAsync(bed, "paused-confirmation");
    }

    [Fact]
    public async Task Canary_in_a_shadow_step_with_copies_compared()
    {
        await using var bed = await OperatorTestBed.StartAsync();
        var md = ScenarioTests.Md(steps: [new RolloutStep { Shadow = new ShadowStep { Percent = 20, Duration = "1m" } }, new RolloutStep { SetWeight = 50 }]);
        await ScenarioTests.HealthyAsync(bed, md with { Spec = md.Spec! with { Rollout = md.Spec.Rollout! with { Analysis = md.Spec.Rollout.Analysis! with { MaxShadowDisagreement = 0.01 } } } });

        await ScenarioTests.NewVersionAsync(bed, "2");
        var shadowing = await bed.RunUntilAsync("churn", m => m.Status?.LastDecision?.Shadow?.ComparedCopies is not null && m.Status.Phase == Phases.Progressing);

        Assert.Equal((0, 0), (shadowing.Status!.CurrentStepIndex, shadowing.Status.CanaryWeight));
        await KeepAsync(bed, "shadowing");
    }

    [Fact]
    public async Task Canary_rolled_back_for_its_error_rate()
    {
        await using var bed = await OperatorTestBed.StartAsync();
        await ScenarioTests.HealthyAsync(bed);
        bed.Behave("2", new VersionBehaviour(ErrorRate: 0.3));

        await ScenarioTests.NewVersionAsync(bed, "2");
        var md = await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.RolledBack);

        Assert.Equal(Reasons.HighErrorRate, md.Status!.LastDecision!.Reason);
        await KeepAsync(bed, "rolled-back");
    }

    [Fact]
    public async Task Stable_that_starts_crash_looping_is_degraded()
    {
        // Given a healthy version 1, when its pods start crash-looping
        await using var bed = await OperatorTestBed.StartAsync();
        await ScenarioTests.HealthyAsync(bed);
        bed.Behave("1", new VersionBehaviour(CrashLoops: true));

        var md = await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.Degraded);

        Assert.Contains(md.Status!.Conditions!, c => c.Type == Conditions.Ready && c.Status == "False");
        await KeepAsync(bed, "degraded");
    }

    [Fact]
    public async Task Spec_that_fails_validation_is_invalid()
    {
        await using var bed = await OperatorTestBed.StartAsync();
        await ScenarioTests.HealthyAsync(bed);
        var md = await bed.GetAsync("churn");

        await bed.Client.Resource<ModelDeployment>().UpdateAsync(md with { Spec = ScenarioTests.WithFallingWeights(md.Spec!) });
        var invalid = await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.Invalid);

        Assert.Equal(invalid.Metadata.Generation, invalid.Status!.ObservedGeneration);
        await KeepAsync(bed, "invalid");
    }

    [Fact]
    public async Task Promoted_revision_in_its_bake_window_then_failing_in_it()
    {
        // Given version 2 promoted with a 5 minute bake
        await using var bed = await OperatorTestBed.StartAsync();
        await ScenarioTests.HealthyAsync(bed, WithRollout(r => r with { BakeTime = "5m" }));
        await ScenarioTests.NewVersionAsync(bed, "2");
        var baking = await bed.RunUntilAsync("churn", m => m.Status?.StableRevision?.ModelVersion == "2" && m.Status.Phase == Phases.Healthy);
        Assert.NotNull(baking.Status!.BakeUntil);
        await KeepAsync(bed, "baking");

        // When it fails under full traffic inside the window, then it is rolled back to the warm version 1
        bed.Behave("2", new VersionBehaviour(ErrorRate: 0.4));
        var failed = await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.RolledBack);
        Assert.Equal(Reasons.BakeFailed, failed.Status!.LastDecision!.Reason);
        await KeepAsync(bed, "bake-failed");
    }

    [Fact]
    public async Task Promoted_revision_whose_bake_saw_too_little_traffic()
    {
        // Given version 2 promoted with a 2 minute bake, when its traffic dries up below minSamples while it bakes
        await using var bed = await OperatorTestBed.StartAsync();
        await ScenarioTests.HealthyAsync(bed, WithRollout(r => r with { BakeTime = "2m" }));
        await ScenarioTests.NewVersionAsync(bed, "2");
        await bed.RunUntilAsync("churn", m => m.Status?.StableRevision?.ModelVersion == "2" && m.Status.BakeUntil is not null);
        bed.Behave("2", new VersionBehaviour(Samples: 7));

        // Then the bake ends on time, but as BakeInconclusive rather than Healthy
        var ended = await bed.RunUntilAsync("churn", m => m.Status?.BakeUntil is null);
        Assert.Equal(Reasons.BakeInconclusive, ended.Status!.LastDecision!.Reason);
        Assert.Equal(Phases.Healthy, ended.Status.Phase);
        await KeepAsync(bed, "bake-inconclusive");
    }

    [Fact]
    public void The_fixture_folder_holds_exactly_the_scenarios_fixtures()
    {
        var files = System.IO.Directory.GetFiles(ArgoCdFixtures.Directory, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal);

        Assert.Equal(Names.Order(StringComparer.Ordinal), files);
    }

    [Fact]
    public void A_changed_status_shape_no_longer_matches_its_fixture_so_the_check_can_fail()
    {
        var stored = (JsonObject)JsonNode.Parse(ArgoCdFixtures.Committed("rolled-back"))!;
        Assert.True(ArgoCdFixtures.Matches("rolled-back", stored));

        var added = (JsonObject)stored.DeepClone();
        added["status"]!["abortedAt"] = "step 2";
        var renamed = (JsonObject)stored.DeepClone();
        var status = renamed["status"]!.AsObject();
        var decision = status["lastDecision"]!;
        status.Remove("lastDecision");
        status["decision"] = decision;
        var otherPhase = (JsonObject)stored.DeepClone();
        otherPhase["status"]!["phase"] = Phases.Degraded;

        Assert.False(ArgoCdFixtures.Matches("rolled-back", added));
        Assert.False(ArgoCdFixtures.Matches("rolled-back", renamed));
        Assert.False(ArgoCdFixtures.Matches("rolled-back", otherPhase));
    }

    [Fact]
    public void Normalizing_replaces_only_uids_resource_versions_and_times()
    {
        var stored = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "churn", ["uid"] = "4f1c", ["resourceVersion"] = "812", ["generation"] = 3, ["creationTimestamp"] = "2026-03-01T12:00:05Z" },
            ["status"] = new JsonObject
            {
                ["bakeUntil"] = "2026-03-01T12:05:00.5+00:00",
                ["lastDecision"] = new JsonObject { ["message"] = "stays warm until 2026-03-01T12:05:00Z", ["observedValue"] = 0.3 },
                ["conditions"] = new JsonArray(new JsonObject { ["lastTransitionTime"] = "2026-03-01T12:00:10Z", ["status"] = "True" }),
            },
        };

        var normalized = ArgoCdFixtures.Normalize(stored);

        Assert.Equal("00000000-0000-0000-0000-000000000000", (string?)normalized["metadata"]!["uid"]);
        Assert.Equal("1", (string?)normalized["metadata"]!["resourceVersion"]);
        Assert.Equal(3, (int)normalized["metadata"]!["generation"]!);
        Assert.Equal(ArgoCdFixtures.Timestamp, (string?)normalized["metadata"]!["creationTimestamp"]);
        Assert.Equal(ArgoCdFixtures.Timestamp, (string?)normalized["status"]!["bakeUntil"]);
        Assert.Equal(ArgoCdFixtures.Timestamp, (string?)normalized["status"]!["conditions"]![0]!["lastTransitionTime"]);
        Assert.Equal("stays warm until 2026-03-01T12:05:00Z", (string?)normalized["status"]!["lastDecision"]!["message"]);
        Assert.Equal(0.3, (double)normalized["status"]!["lastDecision"]!["observedValue"]!);
    }
}
