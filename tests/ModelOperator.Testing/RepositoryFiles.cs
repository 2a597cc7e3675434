namespace ModelOperator.Testing;

/// <summary>The checkout a test runs from (the folder above the test's output that holds <c>ModelOperator.sln</c>) and its files.</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    /// <summary>A path inside the checkout, from a repository-relative one (<c>examples/churn-modeldeployment.yaml</c>).</summary>
    public static string Path(string relativePath) => System.IO.Path.Combine(Root, relativePath);

    public static string Read(string relativePath) => File.ReadAllText(Path(relativePath));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "ModelOperator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No ModelOperator.sln above {AppContext.BaseDirectory}.");
    }
}
