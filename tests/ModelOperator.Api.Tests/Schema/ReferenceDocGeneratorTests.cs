using System.Text.RegularExpressions;
using ModelOperator.Api.Schema;

namespace ModelOperator.Api.Tests.Schema;

public sealed partial class ReferenceDocGeneratorTests
{
    private static readonly string Doc = ReferenceDocGenerator.Generate();

    [Fact]
    public void The_committed_reference_is_the_generated_one()
    {
        Assert.True(RepositoryFiles.Read(ReferenceDocGenerator.RelativePath) == Doc,
            $"{ReferenceDocGenerator.RelativePath} differs from what the C# types generate; run `make crds` and commit the result.");
    }

    [Theory]
    [InlineData("spec.rollout.analysis")]
    [InlineData("spec.rollout.steps[]")]
    [InlineData("spec.rollout.steps[].pause")]
    [InlineData("spec.rollout.trafficRouting.gatewayAPI")]
    [InlineData("spec.autoscaling")]
    [InlineData("status")]
    [InlineData("status.lastDecision")]
    [InlineData("status.conditions[]")]
    public void Every_object_has_a_section(string path)
    {
        Assert.Contains($"## `{path}`\n", Doc, StringComparison.Ordinal);
    }

    [Fact]
    public void Fields_show_type_default_limits_and_rules()
    {
        Assert.Contains("| `interval` | string | How often to measure, and the window each measurement covers, as a duration. Default: `\"30s\"`. A duration. |", Doc, StringComparison.Ordinal);
        Assert.Contains("| `setWeight` | integer | Send this percentage of traffic (0-100) to the canary and wait until its pods are ready. At least 0 and at most 100. |", Doc, StringComparison.Ordinal);
        Assert.Contains("| `targetInFlightPerPod` | number | Desired average of requests in flight per pod (greater than 0); more in flight adds pods. Greater than 0 and at most 1000000. |", Doc, StringComparison.Ordinal);
        Assert.Contains("| `phase` | string | A one-word summary; the conditions carry the detail. One of: `Pending`, `Progressing`, `Paused`, `Healthy`, `Degraded`, `RolledBack`, `Invalid`. |", Doc, StringComparison.Ordinal);
        Assert.Contains("- each rollout step sets exactly one of setWeight, pause, analysis or shadow", Doc, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_link_points_at_a_section_of_the_page()
    {
        var anchors = Heading().Matches(Doc).Select(m => new string(m.Groups[1].Value.ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_').ToArray())).ToHashSet();

        var links = Link().Matches(Doc).Select(m => m.Groups[1].Value).ToList();

        Assert.NotEmpty(links);
        Assert.All(links, link => Assert.Contains(link, anchors));
    }

    [GeneratedRegex("^## (.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex("\\]\\(#([^)]+)\\)")]
    private static partial Regex Link();
}
