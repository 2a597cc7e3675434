namespace ModelOperator.Testing;

/// <summary>The checkout a test runs from: the folder above the test's output that holds ModelOperator.sln.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    /// <summary>A path inside the checkout, from a repository-relative one (<c>examples/churn-modeldeployment.yaml</c>).</summary>
    public static string Combine(string relativePath) => System.IO.Path.Combine(Path, relativePath);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "ModelOperator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ModelOperator.sln not found above " + AppContext.BaseDirectory);
    }
}
