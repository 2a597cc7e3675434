using ModelOperator.Api;
using ModelOperator.Contracts;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Operator.Tests.Scenarios;

/// <summary>A shadow step against the in-memory API server: the instruction ConfigMap, the canary's Service, no user traffic.</summary>
public sealed class ShadowScenarioTests
{
    private static ModelDeployment Md()
    {
        var md = ScenarioTests.Md(steps: [new RolloutStep { Shadow = new ShadowStep { Percent = 20, Duration = "1m" } }, new RolloutStep { SetWeight = 50 }]);
        return md with { Spec = md.Spec! with { Rollout = md.Spec.Rollout! with { Analysis = md.Spec.Rollout.Analysis! with { MaxShadowDisagreement = 0.01 } } } };
    }

    private static Task<ConfigMap?> InstructionAsync(OperatorTestBed bed) => TryGetAsync<ConfigMap>(bed, "churn-shadow");

    private static async Task<T?> TryGetAsync<T>(OperatorTestBed bed, string name)
        where T : class, IKubernetesObject<T> =>
        (await bed.Client.Resource<T>().ListAllAsync(OperatorTestBed.Namespace)).Items.SingleOrDefault(o => o.Metadata.Name == name && o.Metadata.DeletionTimestamp is null);

    [Fact]
    public async Task The_stable_servers_are_told_to_mirror_while_the_canary_gets_no_user_traffic_and_the_instruction_goes_after()
    {
        // Given version 1 is stable
        await using var bed = await OperatorTestBed.StartAsync();
        var v1 = (await ScenarioTests.HealthyAsync(bed, Md())).Status!.StableRevision!.Name!;
        Assert.Null(await InstructionAsync(bed));

        // When version 2 starts its shadow step and its pods are ready
        await ScenarioTests.NewVersionAsync(bed, "2");
        var md = await bed.RunUntilAsync("churn", m => m.Status?.CanaryRevision is not null && m.Status.ReadyReplicas > 4);
        await bed.RoundAsync("churn");
        var v2 = (await bed.GetAsync("churn")).Status!.CanaryRevision!.Name!;

        // Then the ConfigMap owned by the ModelDeployment names stable as the source and the canary's Service as the target
        var instruction = await InstructionAsync(bed);
        Assert.NotNull(instruction);
        Assert.Equal(md.Metadata.Uid, Assert.Single(instruction.Metadata.OwnerReferences!).Uid);
        Assert.Equal($$"""{"source":"{{v1}}","target":"http://{{v2}}.ml.svc:80","percent":20,"tolerance":0.01}""", instruction.Data![ShadowContract.ConfigKey]);

        // And the canary's own Service exists for the copies, while the main Service selects stable only
        Assert.NotNull(await TryGetAsync<Service>(bed, v2));
        var main = await bed.Client.Resource<Service>().GetAsync(OperatorTestBed.Key("churn"));
        Assert.Equal(v1, main.Spec!.Selector![Labels.Revision]);
        Assert.Equal(0, (await bed.GetAsync("churn")).Status!.CanaryWeight);

        // And once the step passed (the copies agree) the instruction and the canary's extra Service are gone
        md = await bed.RunUntilAsync("churn", m => m.Status?.CurrentStepIndex >= 1);
        await bed.RoundAsync("churn");
        Assert.Null(await InstructionAsync(bed));
        Assert.Null(await TryGetAsync<Service>(bed, v2));
    }

    [Fact]
    public async Task A_ConfigMap_of_that_name_that_is_not_ours_is_never_overwritten()
    {
        // Given version 1 is stable and someone made a ConfigMap called churn-shadow
        await using var bed = await OperatorTestBed.StartAsync();
        await ScenarioTests.HealthyAsync(bed, Md());
        var theirs = await bed.Client.Resource<ConfigMap>().CreateAsync(new ConfigMap
        {
            Metadata = new ObjectMeta { Name = "churn-shadow", Namespace = OperatorTestBed.Namespace },
            Data = new Dictionary<string, string> { ["shadow.json"] = "theirs" },
        });

        // When version 2 reaches its shadow step
        await ScenarioTests.NewVersionAsync(bed, "2");
        for (var i = 0; i < 6; i++)
        {
            await bed.RoundAsync("churn");
            bed.Clock.Advance(TimeSpan.FromSeconds(5));
        }

        // Then their ConfigMap is untouched and the rollout waits on a ChildConflict
        var after = await bed.Client.Resource<ConfigMap>().GetAsync(ObjectKey.From(theirs));
        Assert.Equal(theirs.Metadata.ResourceVersion, after.Metadata.ResourceVersion);
        Assert.Equal("theirs", after.Data!["shadow.json"]);
        var degraded = Assert.Single((await bed.GetAsync("churn")).Status!.Conditions!, c => c.Type == Conditions.Degraded);
        Assert.Equal(Reasons.ChildConflict, degraded.Reason);
        Assert.Contains("ConfigMap churn-shadow already exists", degraded.Message, StringComparison.Ordinal);
    }
}
