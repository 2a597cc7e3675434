namespace ModelOperator.Api.Tests.Support;

/// <summary>Files committed in the repository, found from the test binary's folder upwards.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

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
