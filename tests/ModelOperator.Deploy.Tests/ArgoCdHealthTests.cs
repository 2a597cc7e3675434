using System.Text.Json;
using System.Text.Json.Nodes;
using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Deploy.Tests;

/// <summary>
/// The Argo CD health check (deploy/argocd/modeldeployment-health.lua) run by the real Lua
/// interpreter over ModelDeployments serialized with the API's own JSON, so field names are real.
/// </summary>
public sealed class ArgoCdHealthTests
{
    private static readonly string Script = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "deploy", "argocd", "modeldeployment-health.lua"));

    private static (string Status, string Message) Health(ModelDeployment md)
    {
        var json = JsonSerializer.SerializeToNode(md, ModelDeployment.JsonTypeInfo)!;
        var output = LuaRunner.Run(Script, json, "io.write(result.status, '\\n', result.message)");
        var lines = output.Split('\n', 2);
        return (lines[0], lines.Length > 1 ? lines[1] : string.Empty);
    }

    private static ModelDeployment Md(long generation, ModelDeploymentStatus? status, bool paused = false) => new()
    {
        Metadata = new ObjectMeta { Name = "churn", Namespace = "default", Generation = generation },
        Spec = JsonSerializer.Deserialize(
            $$"""{"model":{"name":"churn","version":"2","uri":"s3://models/churn/2/model.onnx"},"replicas":3{{(paused ? ",\"paused\":true" : string.Empty)}}}""",
            ModelDeploymentJsonContext.Default.ModelDeploymentSpec),
        Status = status,
    };

    private static Condition Cond(string type, string status, string reason, string message) =>
        new() { Type = type, Status = status, Reason = reason, Message = message, LastTransitionTime = DateTimeOffset.UnixEpoch };

    private static readonly RevisionRef Stable = new() { Name = "churn-2be3fe31ba", ModelVersion = "1" };
    private static readonly RevisionRef Canary = new() { Name = "churn-9c41d07e55", ModelVersion = "2" };

    [Fact]
    public void No_status_yet_is_progressing()
    {
        Assert.Equal(("Progressing", "Waiting for the operator to report status"), Health(Md(1, null)));
    }

    [Fact]
    public void A_generation_the_operator_has_not_seen_is_progressing()
    {
        var (status, message) = Health(Md(3, new ModelDeploymentStatus { ObservedGeneration = 2, Phase = Phases.Healthy }));

        Assert.Equal("Progressing", status);
        Assert.Equal("Waiting for the operator to observe generation 3", message);
    }

    [Fact]
    public void A_stable_revision_serving_and_ready_is_healthy()
    {
        var md = Md(2, new ModelDeploymentStatus
        {
            ObservedGeneration = 2,
            Phase = Phases.Healthy,
            StableRevision = Stable,
            Conditions = [Cond(Conditions.Ready, "True", Reasons.Healthy, "3/3 replicas ready")],
        });

        Assert.Equal(("Healthy", "Serving model version 1"), Health(md));
    }

    [Fact]
    public void A_canary_in_its_steps_is_progressing_with_step_and_weight()
    {
        var md = Md(2, new ModelDeploymentStatus
        {
            ObservedGeneration = 2,
            Phase = Phases.Progressing,
            StableRevision = Stable,
            CanaryRevision = Canary,
            CurrentStepIndex = 2,
            CanaryWeight = 50,
        });

        Assert.Equal(("Progressing", "Rolling out model version 2, step 3, canary weight 50%"), Health(md));
    }

    [Fact]
    public void A_paused_rollout_is_suspended()
    {
        var byPhase = Md(2, new ModelDeploymentStatus { ObservedGeneration = 2, Phase = Phases.Paused, CanaryWeight = 20 });
        var bySpec = Md(2, new ModelDeploymentStatus { ObservedGeneration = 2, Phase = Phases.Progressing }, paused: true);

        Assert.Equal(("Suspended", "Rollout paused at canary weight 20%"), Health(byPhase));
        Assert.Equal("Suspended", Health(bySpec).Status);
    }

    [Fact]
    public void A_rollback_is_degraded_and_says_why_with_the_numbers()
    {
        var md = Md(2, new ModelDeploymentStatus
        {
            ObservedGeneration = 2,
            Phase = Phases.RolledBack,
            StableRevision = Stable,
            CanaryRevision = Canary,
            CanaryWeight = 0,
            LastDecision = new RolloutDecision
            {
                Action = "Rollback",
                Reason = Reasons.PredictionDrift,
                Metric = "predictionDrift",
                ObservedValue = 0.61,
                Threshold = 0.2,
                Message = "prediction drift PSI 0.61 > 0.2 over 5m (1200 samples)",
            },
            Conditions = [Cond(Conditions.RolledBack, "True", Reasons.PredictionDrift, "canary rolled back")],
        });

        Assert.Equal(("Degraded", "Model version 2 rolled back: prediction drift PSI 0.61 > 0.2 over 5m (1200 samples)"), Health(md));
    }

    [Theory]
    [InlineData("Invalid", "Degraded", "Invalid spec: spec.rollout.steps[1].setWeight: 150 is not allowed")]
    [InlineData("Degraded", "Degraded", "Degraded: spec.rollout.steps[1].setWeight: 150 is not allowed")]
    public void Invalid_and_degraded_phases_are_degraded_with_the_condition_message(string phase, string expectedStatus, string expectedMessage)
    {
        var md = Md(2, new ModelDeploymentStatus
        {
            ObservedGeneration = 2,
            Phase = phase,
            Conditions = [Cond(Conditions.Degraded, "True", Reasons.InvalidSpec, "spec.rollout.steps[1].setWeight: 150 is not allowed")],
        });

        Assert.Equal((expectedStatus, expectedMessage), Health(md));
    }

    [Fact]
    public void Healthy_phase_with_ready_false_is_degraded()
    {
        var md = Md(2, new ModelDeploymentStatus
        {
            ObservedGeneration = 2,
            Phase = Phases.Healthy,
            Conditions = [Cond(Conditions.Ready, "False", Reasons.NotReady, "1/3 replicas ready")],
        });

        Assert.Equal(("Degraded", "Not ready: 1/3 replicas ready"), Health(md));
    }

    [Fact]
    public void The_lua_runner_really_fails_on_a_broken_script()
    {
        var ex = Assert.ThrowsAny<Exception>(() => LuaRunner.Run("return nil .. 1", new JsonObject(), "io.write('x')"));

        Assert.Contains("lua5.4 failed", ex.Message, StringComparison.Ordinal);
    }
}
