using System.Text.Json;
using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Webhooks;
using ModelOperator.Rollouts.Webhooks;

namespace ModelOperator.Operator.Tests.Webhooks;

public sealed class WebhookBodyTests
{
    private static readonly ModelDeployment Md = new()
    {
        Metadata = new ObjectMeta { Name = "churn", Namespace = "shop", Uid = "uid-7" },
    };

    private static readonly ModelDeploymentStatus Status = new()
    {
        Phase = Phases.Paused,
        StableRevision = new RevisionRef { Name = "churn-0a1b2c3d4e", ModelVersion = "1" },
        CanaryRevision = new RevisionRef { Name = "churn-5d8f9c7b21", ModelVersion = "2" },
    };

    [Fact]
    public void The_body_carries_the_deployment_the_point_and_both_revisions()
    {
        var call = new WebhookCall("approve", WebhookKinds.Confirm, "http://x/?token=t", WebhookPoints.BeforeStep, "churn-5d8f9c7b21", "2", 2, null, 3, TimeSpan.FromSeconds(10));

        using var body = JsonDocument.Parse(WebhookBody.Create(Md, Status, call));
        var root = body.RootElement;

        Assert.Equal(("approve", "confirm", "beforeStep", 2, 3), (root.GetProperty("webhook").GetString(), root.GetProperty("kind").GetString(), root.GetProperty("point").GetString(), root.GetProperty("step").GetInt32(), root.GetProperty("attempt").GetInt32()));
        Assert.Equal(("shop", "churn", "uid-7", "Paused"), (root.GetProperty("namespace").GetString(), root.GetProperty("name").GetString(), root.GetProperty("uid").GetString(), root.GetProperty("phase").GetString()));
        Assert.Equal(("churn-5d8f9c7b21", "2"), (root.GetProperty("revision").GetProperty("name").GetString(), root.GetProperty("revision").GetProperty("modelVersion").GetString()));
        Assert.Equal(("churn-0a1b2c3d4e", "1"), (root.GetProperty("stableRevision").GetProperty("name").GetString(), root.GetProperty("stableRevision").GetProperty("modelVersion").GetString()));
        Assert.Equal("churn-5d8f9c7b21", root.GetProperty("canaryRevision").GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("reason").ValueKind);
        Assert.DoesNotContain("token", body.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void On_rollback_the_reason_is_given_and_a_missing_canary_is_null()
    {
        var call = new WebhookCall("page", WebhookKinds.Notify, "http://x/", WebhookPoints.OnRollback, "churn-5d8f9c7b21", "2", null, Reasons.HighErrorRate, 1, TimeSpan.FromSeconds(10));

        using var body = JsonDocument.Parse(WebhookBody.Create(Md, Status with { CanaryRevision = null, Phase = Phases.RolledBack }, call));

        Assert.Equal(Reasons.HighErrorRate, body.RootElement.GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("canaryRevision").ValueKind);
        Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("step").ValueKind);
    }
}
