using ModelOperator.Api.Validation;
using static ModelOperator.Api.Tests.Validation.ModelDeploymentValidatorTests;

namespace ModelOperator.Api.Tests.Validation;

/// <summary>The shadow step and its analysis settings.</summary>
public sealed class ShadowValidationTests
{
    private static RolloutStep Shadow(int? percent = 20, string? duration = "10m") => new() { Shadow = new ShadowStep { Percent = percent, Duration = duration } };

    private static ModelDeployment WithSteps(params RolloutStep[] steps) =>
        Valid with { Spec = Valid.Spec! with { Rollout = Valid.Spec.Rollout! with { Steps = steps } } };

    private static ModelDeployment WithAnalysis(AnalysisSpec? analysis, params RolloutStep[] steps) =>
        Valid with { Spec = Valid.Spec! with { Rollout = Valid.Spec.Rollout! with { Steps = steps, Analysis = analysis } } };

    [Fact]
    public void A_shadow_step_before_the_canary_steps_is_valid()
    {
        var md = WithAnalysis(new AnalysisSpec { MaxShadowDisagreement = 0.01, ShadowTolerance = 0.05 }, Shadow(), new() { SetWeight = 20 }, new() { SetWeight = 100 });

        Assert.Empty(ModelDeploymentValidator.Validate(md));
    }

    public static TheoryData<string> Mistakes => new(MistakeCases.Keys);

    private static readonly Dictionary<string, (ModelDeployment Md, string Path, string Says)> MistakeCases = new()
    {
        ["percent missing"] = (WithSteps(Shadow(percent: null), new() { SetWeight = 100 }), "spec.rollout.steps[0].shadow.percent", "is missing; set the share of live requests copied to the canary, 1 to 100"),
        ["percent 0"] = (WithSteps(Shadow(percent: 0), new() { SetWeight = 100 }), "spec.rollout.steps[0].shadow.percent", "a percentage from 1 to 100"),
        ["percent 101"] = (WithSteps(Shadow(percent: 101), new() { SetWeight = 100 }), "spec.rollout.steps[0].shadow.percent", "a percentage from 1 to 100"),
        ["duration missing"] = (WithSteps(Shadow(duration: null), new() { SetWeight = 100 }), "spec.rollout.steps[0].shadow.duration", "is missing"),
        ["duration not a duration"] = (WithSteps(Shadow(duration: "ten minutes"), new() { SetWeight = 100 }), "spec.rollout.steps[0].shadow.duration", "is not a duration"),
        ["duration 0s"] = (WithSteps(Shadow(duration: "0s"), new() { SetWeight = 100 }), "spec.rollout.steps[0].shadow.duration", "at least 1s"),
        ["after users reached the canary"] = (WithSteps(new() { SetWeight = 10 }, Shadow(), new() { SetWeight = 100 }), "spec.rollout.steps[1].shadow",
            "comes after setWeight 10 (spec.rollout.steps[0]); a shadow step runs the canary without user traffic, so put it before every setWeight above 0"),
        ["shadow and setWeight in one step"] = (WithSteps(new RolloutStep { SetWeight = 10, Shadow = new ShadowStep { Percent = 10, Duration = "1m" } }), "spec.rollout.steps[0]",
            "sets 2 of setWeight, pause, analysis and shadow; each step sets exactly one"),
        ["no analysis"] = (WithAnalysis(null, Shadow(), new() { SetWeight = 100 }), "spec.rollout.analysis", "is missing but the steps include shadow"),
        ["disagreement above 1"] = (WithAnalysis(new AnalysisSpec { MaxShadowDisagreement = 1.5 }, Shadow()), "spec.rollout.analysis.maxShadowDisagreement", "a share from 0 to 1"),
        ["negative tolerance"] = (WithAnalysis(new AnalysisSpec { MaxShadowDisagreement = 0.1, ShadowTolerance = -1 }, Shadow()), "spec.rollout.analysis.shadowTolerance", "an absolute difference from 0"),
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void Each_shadow_mistake_is_reported_on_its_field_with_what_is_allowed(string name)
    {
        var (md, path, says) = MistakeCases[name];

        AssertReportedOnce(md, path, says);
    }

    [Fact]
    public void MaxShadowDisagreement_alone_is_a_threshold()
    {
        var md = WithAnalysis(new AnalysisSpec { MaxShadowDisagreement = 0.02 }, Shadow(), new() { SetWeight = 100 });

        Assert.Empty(ModelDeploymentValidator.Validate(md));
    }
}
