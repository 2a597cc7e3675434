namespace ModelOperator.Kubectl;

/// <summary>What the plugin reads and writes besides the API server: its output streams, environment and clock.</summary>
internal sealed record PluginEnvironment(TextWriter Out, TextWriter Error, Func<string, string?> GetEnvironmentVariable, TimeProvider Time)
{
    public static PluginEnvironment Console() =>
        new(System.Console.Out, System.Console.Error, Environment.GetEnvironmentVariable, TimeProvider.System);
}
