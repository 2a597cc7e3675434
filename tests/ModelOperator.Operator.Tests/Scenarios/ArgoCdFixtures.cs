using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ModelOperator.Operator.Tests.Scenarios;

/// <summary>
/// The Argo CD health fixtures in deploy/argocd/fixtures: ModelDeployments exactly as the API server stores them at key
/// moments of real scenarios, with only the volatile fields normalized. UPDATE_FIXTURES=1 rewrites them from the current
/// output (then review the diff); otherwise any difference fails the test, so a change of the status shape is seen here
/// and the Lua health check's tests in ModelOperator.Deploy.Tests run over the new shape.
/// </summary>
internal static partial class ArgoCdFixtures
{
    /// <summary>What a normalized timestamp reads; a valid RFC 3339 time, so the fixture stays a valid object.</summary>
    public const string Timestamp = "2026-01-01T00:00:00Z";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Directory => Path.Combine(RepositoryRoot(), "deploy", "argocd", "fixtures");

    public static string PathOf(string name) => Path.Combine(Directory, name + ".json");

    /// <summary>
    /// The object with uid, resourceVersion and every RFC 3339 timestamp replaced by constants. The manual clock already
    /// makes times repeatable; they are normalized anyway so that a change in how many rounds a scenario takes does not
    /// rewrite every fixture, while any field that appears, disappears or changes value still does.
    /// </summary>
    public static JsonObject Normalize(JsonObject stored)
    {
        var copy = (JsonObject)stored.DeepClone();
        if (copy["metadata"] is JsonObject metadata)
        {
            metadata.Remove("managedFields");
            if (metadata.ContainsKey("uid"))
            {
                metadata["uid"] = "00000000-0000-0000-0000-000000000000";
            }

            if (metadata.ContainsKey("resourceVersion"))
            {
                metadata["resourceVersion"] = "1";
            }
        }

        NormalizeTimes(copy);
        return copy;
    }

    public static string Render(JsonObject normalized) => normalized.ToJsonString(Indented).ReplaceLineEndings("\n") + "\n";

    /// <summary>Compares with the committed fixture (or rewrites it with UPDATE_FIXTURES=1).</summary>
    public static void Verify(string name, JsonObject stored)
    {
        if (Environment.GetEnvironmentVariable("UPDATE_FIXTURES") == "1")
        {
            File.WriteAllText(PathOf(name), Render(Normalize(stored)));
            return;
        }

        Assert.Equal(Committed(name), Render(Normalize(stored)));
    }

    /// <summary>Whether <paramref name="stored"/>, normalized, is what the committed fixture holds.</summary>
    public static bool Matches(string name, JsonObject stored) => Committed(name) == Render(Normalize(stored));

    public static string Committed(string name)
    {
        var path = PathOf(name);
        Assert.True(File.Exists(path), $"no fixture {path}: run the scenario with UPDATE_FIXTURES=1 and review the new file");
        return File.ReadAllText(path).ReplaceLineEndings("\n");
    }

    private static void NormalizeTimes(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o.ToList())
                {
                    if (value is JsonValue v && v.TryGetValue<string>(out var s) && TimestampPattern().IsMatch(s))
                    {
                        o[key] = Timestamp;
                    }
                    else
                    {
                        NormalizeTimes(value);
                    }
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    NormalizeTimes(item);
                }

                break;
        }
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex TimestampPattern();

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string path = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", "..", ".."));
}
