namespace ModelOperator.Kubectl;

/// <summary>What the plugin reads and writes besides the API server: its output streams, environment and clock.</summary>
/// <remarks><paramref name="Prometheus"/> makes the handler Prometheus is asked through (tests pass a fake); null: a socket handler that follows no redirect.</remarks>
internal sealed record PluginEnvironment(TextWriter Out, TextWriter Error, Func<string, string?> GetEnvironmentVariable, TimeProvider Time, Func<HttpMessageHandler>? Prometheus = null)
{
    /// <summary>A new handler for one Prometheus request; the caller disposes it.</summary>
    public HttpMessageHandler PrometheusHandler() =>
        Prometheus?.Invoke() ?? new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(5) };

    public static PluginEnvironment Console() =>
        new(System.Console.Out, System.Console.Error, Environment.GetEnvironmentVariable, TimeProvider.System);
}
