namespace ModelOperator.Testing;

/// <summary>The repository's root folder (the one holding ModelOperator.sln), found above the test assembly.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(Find);

    public static string Path => Root.Value;

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "ModelOperator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"ModelOperator.sln not found above {AppContext.BaseDirectory}.");
    }
}
