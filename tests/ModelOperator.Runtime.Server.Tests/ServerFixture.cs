using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Text.Json;
using ModelOperator.Runtime.Onnx;
using ModelOperator.Runtime.Server.Hosting;
using ModelOperator.Runtime.Server.Models;

namespace ModelOperator.Runtime.Server.Tests;

/// <summary>A real inference server on 127.0.0.1 with a free port, stopped on dispose.</summary>
internal sealed class ServerFixture : IAsyncDisposable
{
    private static readonly Lazy<OnnxRuntimeEnvironment> Runtime = new(() => OnnxRuntimeEnvironment.Create());

    private readonly WebApplication _app;

    private ServerFixture(WebApplication app, ServerOptions options, ModelStatus settled)
    {
        _app = app;
        Options = options;
        Settled = settled;
        BaseAddress = new Uri(app.Urls.First());
        GrpcAddress = new Uri($"http://127.0.0.1:{app.Services.GetRequiredService<ModelOperator.Runtime.Server.Grpc.GrpcListener>().Port}");
        Addresses = app.Urls.Select(u => new Uri(u)).Where(u => u.Port != GrpcAddress.Port).ToList();
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public ServerOptions Options { get; }

    public ModelStatus Settled { get; }

    public Uri BaseAddress { get; }

    /// <summary>Every address the server listens on, <see cref="BaseAddress"/> first (then METRICS_PORT's, when set).</summary>
    public IReadOnlyList<Uri> Addresses { get; }

    public HttpClient Client { get; }

    /// <summary>The running server's services, for tests that drive one of its parts directly.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The gRPC port's address (GRPC_PORT, a free one here), HTTP/2 without TLS.</summary>
    public Uri GrpcAddress { get; }

    public static string ModelPath(string model, int version) =>
        Path.Combine(AppContext.BaseDirectory, "models", model, version.ToString(System.Globalization.CultureInfo.InvariantCulture), "model.onnx");

    public static async Task<ServerFixture> StartAsync(
        Func<ServerOptions, ServerOptions>? configure = null,
        System.Collections.Concurrent.ConcurrentQueue<string>? logs = null)
    {
        var options = new ServerOptions
        {
            ModelName = "churn",
            ModelVersion = "1",
            ModelUri = ModelPath("churn", 1),
            Host = "127.0.0.1",
            Port = 0,
            GrpcPort = 0,
            CacheDirectory = Path.Combine(Path.GetTempPath(), "modelserver-tests", Guid.NewGuid().ToString("N")),
            ShutdownTimeout = TimeSpan.FromSeconds(5),
            DrainPeriod = TimeSpan.Zero, // a test's server stops at once; DrainTests cover the drain
        };
        options = configure?.Invoke(options) ?? options;
        var app = ServerApp.Build(options, Runtime.Value, logging =>
        {
            if (logs is null)
            {
                logging.SetMinimumLevel(LogLevel.None);
            }
            else
            {
                logging.SetMinimumLevel(LogLevel.Debug).AddProvider(new CollectingLoggerProvider(logs));
            }
        });
        await app.StartAsync();
        var settled = await app.Services.GetRequiredService<ModelState>().Settled.WaitAsync(TimeSpan.FromSeconds(60));
        return new ServerFixture(app, options, settled);
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json) =>
        Client.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    public async Task<JsonElement> GetJsonAsync(string path, int expectedStatus = 200)
    {
        using var response = await Client.GetAsync(path);
        Assert.Equal(expectedStatus, (int)response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(Options.CacheDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

/// <summary>Keeps every formatted log line (with its exception) so that tests can read what the server logged.</summary>
internal sealed class CollectingLoggerProvider(System.Collections.Concurrent.ConcurrentQueue<string> lines) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(lines);

    public void Dispose()
    {
    }

    private sealed class Logger(System.Collections.Concurrent.ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception) + (exception is null ? string.Empty : " " + exception));
    }
}
