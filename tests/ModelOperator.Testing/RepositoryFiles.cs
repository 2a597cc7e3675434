namespace ModelOperator.Testing;

/// <summary>Files of the repository the tests run from (found by walking up to <c>ModelOperator.sln</c>).</summary>
public static class RepositoryFiles
{
    public static string Path(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "ModelOperator.sln")))
            {
                return System.IO.Path.Combine(dir.FullName, relative);
            }
        }

        throw new InvalidOperationException($"No ModelOperator.sln above {AppContext.BaseDirectory}.");
    }
}
