using System.Globalization;
using Microsoft.Extensions.Logging;
using ModelOperator.ApiServer.Hosting;

// The fake API server in the foreground: 127.0.0.1:PORT (PORT env or --port, default 8001),
// a kubeconfig at .local/apiserver/kubeconfig (KUBECONFIG_OUT overrides), stops on Ctrl-C/SIGTERM.
// API_TOKEN: every request must carry "Authorization: Bearer $API_TOKEN" (401 otherwise); the kubeconfig carries it.
var port = 8001;
if (Environment.GetEnvironmentVariable("PORT") is { Length: > 0 } envPort)
{
    port = ParsePort(envPort, "the PORT environment variable");
}

for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--port" when i + 1 < args.Length:
            port = ParsePort(args[++i], "--port");
            break;
        case var a when a.StartsWith("--port=", StringComparison.Ordinal):
            port = ParsePort(a["--port=".Length..], "--port");
            break;
        case "-h" or "--help":
            Console.WriteLine("usage: fake-apiserver [--port N]   (env: PORT, KUBECONFIG_OUT, API_TOKEN)");
            return 0;
        default:
            Console.Error.WriteLine($"unknown argument \"{args[i]}\"; usage: fake-apiserver [--port N]");
            return 2;
    }
}

var kubeconfigPath = Environment.GetEnvironmentVariable("KUBECONFIG_OUT") is { Length: > 0 } k ? k : Path.Combine(".local", "apiserver", "kubeconfig");
using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
var apiToken = Environment.GetEnvironmentVariable("API_TOKEN") is { Length: > 0 } t ? t : null;
await using var server = await InMemoryApiServer.StartAsync(new InMemoryApiServerOptions { Port = port, LoggerFactory = loggerFactory, RequiredBearerToken = apiToken });
var written = server.WriteKubeconfig(kubeconfigPath);

Console.WriteLine($"In-memory Kubernetes API server listening on {server.BaseUrl}");
Console.WriteLine($"Kubeconfig written to {written}{(apiToken is null ? "" : " (with the API_TOKEN every request must carry)")}");
Console.WriteLine("Use it with:");
Console.WriteLine($"  export KUBECONFIG={written}; kubectl get ns");
Console.WriteLine("Press Ctrl-C to stop.");

using var done = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    done.Cancel();
};
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx =>
{
    ctx.Cancel = true;
    done.Cancel();
});

try
{
    await Task.Delay(Timeout.Infinite, done.Token);
}
catch (OperationCanceledException)
{
    Console.WriteLine("Stopping.");
}

return 0;

static int ParsePort(string text, string source)
{
    if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and <= 65535)
    {
        return p;
    }

    Console.Error.WriteLine($"{source} is \"{text}\"; it must be a port number from 1 to 65535");
    Environment.Exit(2);
    return 0;
}
