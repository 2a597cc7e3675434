using System.Text;
using ModelOperator.Runtime.Server.Shadow;

namespace ModelOperator.Runtime.Server.Tests.Shadow;

/// <summary>Every way the instruction file can be right or wrong, and the plan each one gives.</summary>
public sealed class InstructionFileTests
{
    private const string Own = "churn-1e9a6539eb";

    public static TheoryData<string, string> Refused => new()
    {
        { "not json", "is not valid" },
        { "[1,2]", "not a JSON object" },
        { """{"target":"http://c.ns.svc:8080","percent":20,"tolerance":0.01}""", "\"source\" must be a non-empty string" },
        { """{"source":"churn-1e9a6539eb","target":"http://c.ns.svc:8080","percent":"20","tolerance":0.01}""", "\"percent\" must be a number" },
        { """{"source":"churn-1e9a6539eb","target":"http://c.ns.svc:8080","percent":101,"tolerance":0.01}""", "percent 101 is not from 0 to 100" },
        { """{"source":"churn-1e9a6539eb","target":"http://c.ns.svc:8080","percent":-1,"tolerance":0.01}""", "percent -1 is not from 0 to 100" },
        { """{"source":"churn-1e9a6539eb","target":"http://c.ns.svc:8080","percent":20,"tolerance":-0.5}""", "tolerance -0.5 is not a number of 0 or more" },
        { """{"source":"churn-1e9a6539eb","target":"ftp://c.ns.svc","percent":20,"tolerance":0.01}""", "the target is refused" },
        { """{"source":"churn-1e9a6539eb","target":"c.ns.svc:8080","percent":20,"tolerance":0.01}""", "the target is refused" },
        { """{"source":"churn-1e9a6539eb","target":"http://c.ns.svc:8080/?x=1","percent":20,"tolerance":0.01}""", "the target is refused" },
        { """{"source":"churn-1e9a6539eb","target":"/relative","percent":20,"tolerance":0.01}""", "the target is refused" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_wrong_instruction_mirrors_nothing_and_says_what_was_wrong(string content, string problem)
    {
        var plan = InstructionFile.Plan(Encoding.UTF8.GetBytes(content), Own, "churn");

        Assert.False(plan.IsOn);
        Assert.True(plan.IsProblem);
        Assert.Contains(problem, plan.State, StringComparison.Ordinal);
    }

    [Fact]
    public void A_target_with_credentials_is_refused_without_repeating_them()
    {
        var plan = InstructionFile.Plan(
            """{"source":"churn-1e9a6539eb","target":"http://admin:hunter2@c.ns.svc:8080","percent":20,"tolerance":0.01}"""u8, Own, "churn");

        Assert.False(plan.IsOn);
        Assert.Contains("no user info", plan.State, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", plan.State, StringComparison.Ordinal);
        Assert.DoesNotContain("admin", plan.State, StringComparison.Ordinal);
    }

    [Fact]
    public void The_contracts_example_mirrors_its_share_to_the_candidates_infer_url()
    {
        var plan = InstructionFile.Plan(
            """{"source":"churn-1e9a6539eb","target":"http://churn-04115c9a7b.ns.svc:8080","percent":20,"tolerance":0.01}"""u8, Own, "churn");

        Assert.True(plan.IsOn);
        Assert.Equal(new Uri("http://churn-04115c9a7b.ns.svc:8080/v2/models/churn/infer"), plan.InferUri);
        Assert.Equal((20.0, 0.01), (plan.Percent, plan.Tolerance));
        Assert.Equal("mirroring 20% of requests to http://churn-04115c9a7b.ns.svc:8080 (tolerance 0.01)", plan.State);
    }

    [Fact]
    public void An_instruction_for_another_revision_mirrors_nothing_without_a_warning()
    {
        // Every revision's pods mount the ConfigMap: the candidate's own pods read an instruction meant for stable.
        var plan = InstructionFile.Plan(
            """{"source":"churn-04115c9a7b","target":"http://churn-04115c9a7b.ns.svc:8080","percent":20,"tolerance":0.01}"""u8, Own, "churn");

        Assert.False(plan.IsOn);
        Assert.False(plan.IsProblem);
        Assert.Contains("for revision churn-04115c9a7b, not this one (churn-1e9a6539eb)", plan.State, StringComparison.Ordinal);
    }

    [Fact]
    public void Zero_percent_and_an_unknown_revision_mirror_nothing()
    {
        var zero = InstructionFile.Plan("""{"source":"churn-1e9a6539eb","target":"https://c.ns.svc","percent":0,"tolerance":0}"""u8, Own, "churn");
        var noRevision = InstructionFile.Plan("""{"source":"churn-1e9a6539eb","target":"https://c.ns.svc","percent":50,"tolerance":0}"""u8, null, "churn");

        Assert.False(zero.IsOn);
        Assert.False(noRevision.IsOn);
        Assert.Contains("MODEL_REVISION is not set", noRevision.State, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_larger_than_any_instruction_is_refused()
    {
        var plan = InstructionFile.Plan(new byte[InstructionFile.MaxBytes + 1], Own, "churn");

        Assert.True(plan.IsProblem);
        Assert.Contains("larger than", plan.State, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0, 0.0, false)]
    [InlineData(100.0, 0.999999, true)]
    [InlineData(20.0, 0.19, true)]
    [InlineData(20.0, 0.2, false)]
    public void A_draw_is_chosen_when_it_falls_within_the_share(double percent, double draw, bool chosen) =>
        Assert.Equal(chosen, ShadowMirror.Chosen(percent, draw));

    [Fact]
    public void A_seeded_draw_chooses_the_share_it_is_given()
    {
        var random = new Random(1793);
        var chosen = Enumerable.Range(0, 10_000).Count(_ => ShadowMirror.Chosen(20, random.NextDouble()));

        Assert.InRange(chosen, 1_900, 2_100);
    }
}
