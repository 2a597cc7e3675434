using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Tests.Children;

namespace ModelOperator.Operator.Tests.Scenarios;

/// <summary>Given / When / Then scenarios of the whole reconciler against the in-memory API server.</summary>
public sealed class ScenarioTests
{
    internal static ModelDeployment Md(string version = "1", IReadOnlyList<RolloutStep>? steps = null, double maxErrorRate = 0.05) => new()
    {
        Metadata = new ObjectMeta { Name = "churn", Namespace = OperatorTestBed.Namespace },
        Spec = new ModelDeploymentSpec
        {
            Model = new ModelSource { Name = "churn", Version = version, Uri = $"s3://models/churn/{version}/model.onnx", Sha256 = Samples.Sha },
            Replicas = 4,
            Rollout = new RolloutSpec
            {
                Steps = steps ?? [new RolloutStep { SetWeight = 25 }, new RolloutStep { Analysis = new AnalysisStep() }, new RolloutStep { SetWeight = 50 }, new RolloutStep { Analysis = new AnalysisStep() }],
                Analysis = new AnalysisSpec { Interval = "30s", MinSamples = 100, MaxErrorRate = maxErrorRate, Provider = new AnalysisProvider { Direct = new DirectProvider() } },
                BakeTime = "0s",
            },
        },
    };

    internal static async Task<ModelDeployment> NewVersionAsync(OperatorTestBed bed, string version)
    {
        var md = await bed.GetAsync("churn");
        return await bed.Client.Resource<ModelDeployment>().UpdateAsync(md with { Spec = md.Spec! with { Model = md.Spec.Model! with { Version = version, Uri = $"s3://models/churn/{version}/model.onnx" } } });
    }

    internal static async Task<ModelDeployment> HealthyAsync(OperatorTestBed bed, ModelDeployment? md = null)
    {
        await bed.CreateAsync(md ?? Md());
        return await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.Healthy);
    }

    [Fact]
    public async Task First_deployment_becomes_stable_without_steps_with_its_children()
    {
        await using var bed = await OperatorTestBed.StartAsync();

        var md = await HealthyAsync(bed);

        var stable = md.Status!.StableRevision!.Name!;
        var deployment = await bed.Client.Resource<Deployment>().GetAsync(new ObjectKey(OperatorTestBed.Namespace, stable));
        var service = await bed.Client.Resource<Service>().GetAsync(new ObjectKey(OperatorTestBed.Namespace, "churn"));
        Assert.Equal(4, deployment.Spec!.Replicas);
        Assert.Equal("churn", service.Spec!.Selector![Labels.Deployment]);
        Assert.Equal(md.Metadata.Generation, md.Status.ObservedGeneration);
        Assert.Null(md.Status.CanaryRevision);
    }

    [Fact]
    public async Task Canary_promotes_through_its_steps()
    {
        await using var bed = await OperatorTestBed.StartAsync();
        var first = await HealthyAsync(bed);

        await NewVersionAsync(bed, "2");
        var progressing = await bed.RunUntilAsync("churn", m => m.Status?.CanaryRevision is not null);
        var promoted = await bed.RunUntilAsync("churn", m => m.Status?.StableRevision?.ModelVersion == "2" && m.Status.Phase == Phases.Healthy);

        Assert.Equal("1", first.Status!.StableRevision!.ModelVersion);
        Assert.Equal("2", progressing.Status!.CanaryRevision!.ModelVersion);
        Assert.Null(promoted.Status!.CanaryRevision);
        Assert.Equal(DecisionActions.Promote, promoted.Status.LastDecision!.Action);
        Assert.Equal(promoted.Metadata.Generation, promoted.Status.ObservedGeneration);
    }

    [Fact]
    public async Task Canary_with_a_high_error_rate_is_rolled_back_and_quarantined()
    {
        await using var bed = await OperatorTestBed.StartAsync();
        var first = await HealthyAsync(bed);
        bed.Behave("2", new VersionBehaviour(ErrorRate: 0.3));

        await NewVersionAsync(bed, "2");
        var md = await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.RolledBack);

        Assert.Equal(first.Status!.StableRevision!.Name, md.Status!.StableRevision!.Name);
        Assert.Equal(Reasons.HighErrorRate, md.Status.LastDecision!.Reason);
        Assert.Equal(0.3, md.Status.LastDecision.ObservedValue);
        Assert.Contains(md.Status.QuarantinedRevisions!, q => q.ModelVersion == "2");
        Assert.Equal(0, md.Status.CanaryWeight ?? 0);
    }

    [Fact]
    public async Task Crash_looping_canary_is_rolled_back()
    {
        await using var bed = await OperatorTestBed.StartAsync();
        await HealthyAsync(bed);
        bed.Behave("2", new VersionBehaviour(CrashLoops: true));

        await NewVersionAsync(bed, "2");
        var md = await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.RolledBack);

        Assert.Equal(Reasons.CrashLoop, md.Status!.LastDecision!.Reason);
        Assert.Equal("1", md.Status.StableRevision!.ModelVersion);
    }

    [Fact]
    public async Task A_no_op_resync_makes_zero_writes()
    {
        await using var bed = await OperatorTestBed.StartAsync();
        await HealthyAsync(bed);
        await bed.RoundAsync("churn"); // settle anything the last round changed
        bed.Server.ResetWriteCounts();

        await bed.Reconciler.ReconcileAsync(OperatorTestBed.Key("churn"), CancellationToken.None);

        var writes = bed.Server.AllWrites();
        Assert.Equal(0, writes.Total);
        Assert.Equal(0, writes.StatusTotal);
    }

    [Fact]
    public async Task Operator_restart_mid_rollout_resumes_from_status()
    {
        await using var bed = await OperatorTestBed.StartAsync();
        await HealthyAsync(bed);
        await NewVersionAsync(bed, "2");
        var midway = await bed.RunUntilAsync("churn", m => m.Status?.CanaryRevision is not null && (m.Status.CurrentStepIndex ?? 0) >= 1);

        bed.Reconciler = bed.NewReconciler();
        var promoted = await bed.RunUntilAsync("churn", m => m.Status?.StableRevision?.ModelVersion == "2");

        Assert.Equal(midway.Status!.CanaryRevision!.Name, promoted.Status!.StableRevision!.Name);
    }

    /// <summary>
    /// A spec a real API server accepts (the CRD's schema and CEL rules pass) but the operator refuses: canary weights that
    /// fall from one step to the next. Specs the CRD refuses never reach the operator.
    /// </summary>
    internal static ModelDeploymentSpec WithFallingWeights(ModelDeploymentSpec spec) =>
        spec with { Rollout = (spec.Rollout ?? new RolloutSpec()) with { Steps = [new RolloutStep { SetWeight = 50 }, new RolloutStep { SetWeight = 10 }] } };

    [Fact]
    public async Task Invalid_spec_gets_the_invalid_phase_with_a_clear_condition()
    {
        await using var bed = await OperatorTestBed.StartAsync();
        await HealthyAsync(bed);
        var md = await bed.GetAsync("churn");
        var deploymentsBefore = (await bed.Client.Resource<Deployment>().ListAllAsync(OperatorTestBed.Namespace)).Items.Select(d => d.Metadata.ResourceVersion).ToList();
        await bed.Client.Resource<ModelDeployment>().UpdateAsync(md with { Spec = WithFallingWeights(md.Spec!) });

        var invalid = await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.Invalid);

        var degraded = invalid.Status!.Conditions!.Single(c => c.Type == Conditions.Degraded);
        Assert.Equal(Reasons.InvalidSpec, degraded.Reason);
        Assert.Contains("spec.rollout.steps[1].setWeight: 10 is less than 50 set by step 0", degraded.Message, StringComparison.Ordinal);
        Assert.Equal(invalid.Metadata.Generation, invalid.Status.ObservedGeneration);
        var deploymentsAfter = (await bed.Client.Resource<Deployment>().ListAllAsync(OperatorTestBed.Namespace)).Items.Select(d => d.Metadata.ResourceVersion).ToList();
        Assert.Equal(deploymentsBefore, deploymentsAfter); // no child changes while invalid
    }
}
