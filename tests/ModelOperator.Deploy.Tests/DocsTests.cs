using System.Reflection;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using ModelOperator.Api;

namespace ModelOperator.Deploy.Tests;

/// <summary>
/// The user docs stay true to the repository: their links and the files they name exist, every reason, condition,
/// phase and decision the operator writes is explained, the annotations are spelled as the code spells them, and the
/// checksums the getting-started guide patches in are those of the example model files.
/// </summary>
public sealed partial class DocsTests
{
    private static readonly string Root = FindRoot();

    /// <summary>docs/**/*.md and the top-level README.md, as repository-relative paths.</summary>
    public static TheoryData<string> Documents()
    {
        var data = new TheoryData<string>();
        foreach (var file in DocumentFiles())
        {
            data.Add(file);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_relative_link_resolves_to_a_file_or_folder_in_the_repository(string document)
    {
        var missing = BrokenLinks(document, Read(document));

        Assert.True(missing.Count == 0, $"{document} links to what does not exist: {string.Join(", ", missing)}");
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_examples_deploy_or_charts_path_the_text_mentions_exists(string document)
    {
        var missing = MissingMentionedPaths(Read(document));

        Assert.True(missing.Count == 0, $"{document} mentions paths that do not exist: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_condition_reason_is_explained_in_the_rollout_or_troubleshooting_docs()
    {
        var text = Read("docs/rollouts.md") + Read("docs/troubleshooting.md");

        var missing = Constants(typeof(Reasons)).Where(r => !text.Contains($"`{r}`", StringComparison.Ordinal)).ToList();

        Assert.True(missing.Count == 0, $"reasons from Reasons.cs not in docs/rollouts.md or docs/troubleshooting.md: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_condition_type_phase_and_decision_action_is_in_the_rollout_doc()
    {
        var text = Read("docs/rollouts.md");

        var missing = Constants(typeof(Conditions)).Concat(Constants(typeof(Phases))).Concat(Constants(typeof(DecisionActions)))
            .Where(c => !text.Contains($"`{c}`", StringComparison.Ordinal))
            .ToList();

        Assert.True(missing.Count == 0, $"constants not in docs/rollouts.md: {string.Join(", ", missing)}");
    }

    [Fact]
    public void The_rollout_doc_spells_every_annotation_and_action_as_the_code_does()
    {
        var text = Read("docs/rollouts.md");

        // The exact kubectl form for each action, so a renamed annotation or action fails here.
        var expected = Constants(typeof(Annotations))
            .Concat(ManualActions.All.Select(a => $"kubectl annotate md churn {Annotations.Action}={a}"))
            .Append($"{Annotations.UndoRevision}=")
            .ToList();
        var missing = expected.Where(e => !text.Contains(e, StringComparison.Ordinal)).ToList();

        Assert.True(missing.Count == 0, $"not in docs/rollouts.md: {string.Join(" | ", missing)}");
    }

    [Fact]
    public void Every_model_server_not_ready_reason_is_in_the_troubleshooting_doc()
    {
        // The server's reasons are internal to its assembly; its source is the list of record.
        var source = Read("runtime/ModelOperator.Runtime.Server/Models/ModelLoadReason.cs");
        var reasons = ConstantPattern().Matches(source).Select(m => m.Groups[1].Value).ToList();
        var text = Read("docs/troubleshooting.md");

        Assert.Contains("ModelNotFound", reasons);
        var missing = reasons.Where(r => !text.Contains($"`{r}`", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, $"model server reasons not in docs/troubleshooting.md: {string.Join(", ", missing)}");
    }

    [Fact]
    public void The_checksums_in_getting_started_are_those_of_the_example_model_files()
    {
        var known = Directory.EnumerateFiles(Path.Combine(Root, "examples", "models"), "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".onnx", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal))
            .ToDictionary(Sha256Of, f => f, StringComparer.Ordinal);

        var unknown = Sha256Pattern().Matches(Read("docs/getting-started.md")).Select(m => m.Value)
            .Where(sha => !known.ContainsKey(sha)).ToList();

        Assert.True(unknown.Count == 0, $"docs/getting-started.md has sha256 values of no file under examples/models: {string.Join(", ", unknown)}");
    }

    // ---- the checks must be able to fail ----------------------------------------------------------------------

    [Fact]
    public void A_broken_link_and_a_missing_path_are_reported()
    {
        const string text = """
            See [rollouts](rollouts.md), [a page](no-such-page.md#x), [web](https://example.com/x.md), [here](#top),
            [the rules](../deploy/prometheus/modeloperator-rules.yml) and `examples/no-such-file.yaml`, beside
            `examples/churn-modeldeployment.yaml` and charts/no-such-chart/values.yaml.
            """;

        Assert.Equal(["no-such-page.md#x"], BrokenLinks("docs/example.md", text));
        Assert.Equal(["examples/no-such-file.yaml", "charts/no-such-chart/values.yaml"], MissingMentionedPaths(text));
    }

    [Fact]
    public void The_constants_read_by_reflection_are_the_ones_in_the_code()
    {
        Assert.Contains(Reasons.ProgressDeadlineExceeded, Constants(typeof(Reasons)));
        Assert.Contains(Annotations.UndoRevision, Constants(typeof(Annotations)));
        Assert.Equal(typeof(Reasons).GetFields().Length, Constants(typeof(Reasons)).Count);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static List<string> BrokenLinks(string document, string text)
    {
        var folder = Path.GetDirectoryName(Path.Combine(Root, document))!;
        var broken = new List<string>();
        foreach (Match match in LinkPattern().Matches(StripCode(text)))
        {
            var target = match.Groups[1].Value;
            if (target.StartsWith('#') || target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
            {
                continue;
            }

            var path = Uri.UnescapeDataString(target.Split('#')[0]);
            var full = Path.GetFullPath(Path.Combine(folder, path));
            if (!full.StartsWith(Root, StringComparison.Ordinal) || !(File.Exists(full) || Directory.Exists(full)))
            {
                broken.Add(target);
            }
        }

        return broken;
    }

    private static List<string> MissingMentionedPaths(string text) =>
        MentionPattern().Matches(text)
            .Select(m => m.Value.TrimEnd('.', ',', ':', ';', ')'))
            .Distinct(StringComparer.Ordinal)
            .Where(p => !File.Exists(Path.Combine(Root, p)) && !Directory.Exists(Path.Combine(Root, p)))
            .ToList();

    /// <summary>Links inside code blocks and code spans are examples, not links.</summary>
    private static string StripCode(string text) => InlineCodePattern().Replace(FencePattern().Replace(text, string.Empty), string.Empty);

    private static List<string> Constants(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();

    private static IEnumerable<string> DocumentFiles() =>
        Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md", SearchOption.AllDirectories)
            .Append(Path.Combine(Root, "README.md"))
            .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    private static string Read(string relative) => File.ReadAllText(Path.Combine(Root, relative));

    private static string Sha256Of(string file) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ModelOperator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No ModelOperator.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"\[[^\]]*\]\(([^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex LinkPattern();

    /// <summary>A path under examples/, deploy/ or charts/ that starts a word (not inside a URL or another path).</summary>
    [GeneratedRegex(@"(?<![\w/.:-])(?:examples|deploy|charts)/[A-Za-z0-9_.\-/]*[A-Za-z0-9_\-]")]
    private static partial Regex MentionPattern();

    [GeneratedRegex(@"(?m)^\s*```.*?^\s*```", RegexOptions.Singleline)]
    private static partial Regex FencePattern();

    [GeneratedRegex(@"`[^`\n]+`")]
    private static partial Regex InlineCodePattern();

    [GeneratedRegex(@"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")]
    private static partial Regex Sha256Pattern();

    [GeneratedRegex(@"public const string \w+ = ""(\w+)"";")]
    private static partial Regex ConstantPattern();
}
