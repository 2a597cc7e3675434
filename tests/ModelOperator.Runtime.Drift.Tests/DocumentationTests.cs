namespace ModelOperator.Runtime.Drift.Tests;

public sealed class DocumentationTests
{
    [Fact]
    public void The_example_in_docs_drift_profile_md_is_a_valid_profile()
    {
        string doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "drift-profile.md"));
        int start = doc.IndexOf("```json\n", StringComparison.Ordinal) + "```json\n".Length;
        int end = doc.IndexOf("```", start, StringComparison.Ordinal);

        ReferenceProfile profile = ReferenceProfileJson.Deserialize(doc[start..end]);

        Assert.Equal(["monthly_charges", "contract"], profile.Features.Select(f => f.Name));
        Assert.Equal(SeriesKind.Categorical, profile.Features[1].Kind);
        Assert.Single(profile.Outputs);
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ModelOperator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No ModelOperator.sln above {AppContext.BaseDirectory}.");
    }
}
