using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ModelOperator.Chart.Tests;

/// <summary>values.yaml documents itself: a comment above every key, and a row for every leaf in the README's table.</summary>
public sealed partial class ChartValuesTests
{
    private static readonly string ValuesText = RepositoryFiles.Read("charts/model-operator/values.yaml");

    [Fact]
    public void Every_key_in_values_yaml_has_a_comment_above_it()
    {
        var lines = ValuesText.Split('\n');
        var undocumented = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (!KeyLine().IsMatch(lines[i]))
            {
                continue;
            }

            var above = i > 0 ? lines[i - 1].TrimStart() : "";
            if (!above.StartsWith('#'))
            {
                undocumented.Add($"line {i + 1}: {lines[i].Trim()}");
            }
        }

        Assert.True(KeyLine().Matches(ValuesText).Count > 30, "the key pattern found too few keys to be checking anything");
        Assert.Empty(undocumented);
    }

    [Fact]
    public void Every_value_has_a_row_in_the_README_table()
    {
        var readme = RepositoryFiles.Read("charts/model-operator/README.md");
        var paths = new List<string>();
        Collect(YamlToJson.Read(ValuesText)!.AsObject(), "", paths);

        Assert.Contains("operator.defaultModelServerImage", paths);
        var missing = paths.Where(p => !readme.Contains($"| `{p}` |", StringComparison.Ordinal)).ToList();
        Assert.Empty(missing);
    }

    // Leaves and empty maps or lists are documented as a whole; non-empty maps are documented by their leaves.
    private static void Collect(JsonObject map, string prefix, List<string> paths)
    {
        foreach (var (key, value) in map)
        {
            var path = prefix + key;
            if (value is JsonObject { Count: > 0 } child)
            {
                Collect(child, path + ".", paths);
            }
            else
            {
                paths.Add(path);
            }
        }
    }

    // A mapping key at any depth ("name:" or "name: value"), not a list item or a comment.
    [GeneratedRegex(@"^\s*[A-Za-z][A-Za-z0-9_]*:(\s|$)", RegexOptions.Multiline)]
    private static partial Regex KeyLine();
}
