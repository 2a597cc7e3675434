using System.Text;
using System.Text.RegularExpressions;

namespace ModelOperator.Benchmarks;

/// <summary>
/// docs/benchmarks.md as a set of named sections between markers, so that running one section
/// (--only) replaces just that section and keeps the others with their own dates.
/// </summary>
internal sealed partial class BenchmarkReport
{
    private const string Header =
        "# Benchmarks\n\nWritten by `make bench` (bench/ModelOperator.Benchmarks). Each section says when and on what machine it was measured; " +
        "numbers inside a section come from one run. Absolute times on a shared 2-core machine move from run to run; compare the medians " +
        "and ratios within a section.\n";

    private readonly List<(string Name, string Body)> _sections = [];

    public static BenchmarkReport Load(string path)
    {
        var report = new BenchmarkReport();
        if (File.Exists(path))
        {
            foreach (Match m in SectionPattern().Matches(File.ReadAllText(path)))
            {
                report._sections.Add((m.Groups[1].Value, m.Groups[2].Value.Trim()));
            }
        }

        return report;
    }

    public void SetSection(string name, string markdown)
    {
        var body = $"{markdown.Trim()}\n\n_Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Machine.Description}._";
        var index = _sections.FindIndex(s => s.Name == name);
        if (index >= 0)
        {
            _sections[index] = (name, body);
        }
        else
        {
            _sections.Add((name, body));
        }
    }

    public void Save(string path)
    {
        var text = new StringBuilder(Header);
        foreach (var (name, body) in _sections)
        {
            text.Append('\n').Append($"<!-- bench:{name} -->\n").Append(body).Append($"\n<!-- /bench:{name} -->\n");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, text.ToString());
    }

    [GeneratedRegex(@"<!-- bench:([a-z0-9-]+) -->\n(.*?)\n<!-- /bench:\1 -->", RegexOptions.Singleline)]
    private static partial Regex SectionPattern();
}
