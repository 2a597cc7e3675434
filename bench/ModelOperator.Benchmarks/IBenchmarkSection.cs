namespace ModelOperator.Benchmarks;

/// <summary>One section of docs/benchmarks.md: measures and returns its markdown.</summary>
internal interface IBenchmarkSection
{
    /// <summary>Stable name, used by --only and as the section's marker in the file.</summary>
    string Name { get; }

    Task<string> RunAsync();
}
