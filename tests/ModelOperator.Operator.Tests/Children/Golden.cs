namespace ModelOperator.Operator.Tests.Children;

/// <summary>
/// Golden files under tests/ModelOperator.Operator.Tests/Golden. Set UPDATE_GOLDEN=1 to rewrite them from the current
/// output (then review the diff); otherwise a difference fails the test.
/// </summary>
internal static class Golden
{
    public static void Verify(string name, string actual)
    {
        var sourcePath = Path.Combine(SourceDirectory(), "Golden", name);
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(sourcePath, actual);
            return;
        }

        var expected = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", name));
        Assert.Equal(expected.ReplaceLineEndings("\n"), actual.ReplaceLineEndings("\n"));
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") =>
        Path.GetDirectoryName(Path.GetDirectoryName(path))!;
}
