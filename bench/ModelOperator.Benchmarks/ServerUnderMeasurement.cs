using System.Globalization;
using System.Net;

namespace ModelOperator.Benchmarks;

/// <summary>
/// A server under measurement is a <see cref="ChildProcess"/> (libs/ModelOperator.Processes) started from this build's
/// output, so its numbers are its own: the port it listens on is the <c>PORT</c> it was given, and it is ready once its
/// ready path answers 200.
/// </summary>
internal static class ServerUnderMeasurement
{
    private static readonly TimeSpan ReadyLimit = TimeSpan.FromSeconds(60);

    extension(ChildProcess)
    {
        /// <summary>
        /// Starts <paramref name="dll"/> with <c>dotnet</c> on a free loopback port (<c>{port}</c> in an argument is
        /// replaced by it) and waits until <paramref name="readyPath"/> answers 200; its stderr is forwarded, prefixed.
        /// </summary>
        public static async Task<ChildProcess> StartDotnetAsync(string dll, IEnumerable<string> args, IDictionary<string, string> env, string readyPath)
        {
            var port = LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture);
            var environment = new Dictionary<string, string?>
            {
                ["PORT"] = port,
                ["GRPC_PORT"] = "0", // a model server's default 8081 would collide; a section that calls gRPC sets one
                ["HOST"] = "127.0.0.1",
            };
            foreach (var (k, v) in env)
            {
                environment[k] = v;
            }

            var child = ChildProcess.Start(
                new ChildProcessOptions
                {
                    File = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
                    Arguments = [Path.Combine(AppContext.BaseDirectory, dll), .. args.Select(a => a.Replace("{port}", port, StringComparison.Ordinal))],
                    Environment = environment,
                    OnStderrLine = line => Console.Error.WriteLine($"[{dll}] {line}"),
                },
                dll);
            try
            {
                await WaitReadyAsync(child, readyPath).ConfigureAwait(false);
                return child;
            }
            catch
            {
                await child.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    extension(ChildProcess server)
    {
        /// <summary>The port it listens on: the <c>PORT</c> it was started with.</summary>
        public int Port => int.Parse(server.Options.Environment["PORT"]!, CultureInfo.InvariantCulture);

        public Uri Url(string path) => new($"http://127.0.0.1:{server.Port}{path}");
    }

    private static async Task WaitReadyAsync(ChildProcess child, string readyPath)
    {
        using var client = new HttpClient();
        var deadline = DateTime.UtcNow + ReadyLimit;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await client.GetAsync(child.Url(readyPath)).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (child.HasExited)
            {
                throw new InvalidOperationException($"{child.Name} exited with {child.ExitCode} before it was ready:\n{child.Tail()}");
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        throw new TimeoutException($"{child.Name} was not ready within {ReadyLimit.TotalSeconds:0} s:\n{child.Tail()}");
    }
}
