using System.Globalization;
using System.Text.Json;
using ModelOperator.Processes;

namespace ModelOperator.SandboxHost.Prometheus;

/// <summary>
/// The real Prometheus (Debian's <c>prometheus</c> package) as a child process: it scrapes the sandbox's pods through the
/// target file that <see cref="TargetFileWriter"/> keeps, and the operator replicas through a second target file, every
/// 2 seconds (a cluster scrapes every 15-30 s; the demo would be slow), and evaluates the project's alert rules.
/// Its data lives under the sandbox folder and starts empty each time; <see cref="StopAsync"/> and
/// <see cref="StartAgainAsync"/> take it away and bring it back on the same port and data (the soak's "Prometheus away").
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    public const string PodsJob = "kubernetes-pods";
    public const string OperatorJob = "modeloperator";
    private readonly Func<ChildProcess> _start;
    private ChildProcess _process;

    private PrometheusServer(Func<ChildProcess> start, Uri url, string podTargets, string operatorTargets)
    {
        _start = start;
        _process = start();
        Url = url;
        PodTargetsPath = podTargets;
        OperatorTargetsPath = operatorTargets;
    }

    public Uri Url { get; }

    public string PodTargetsPath { get; }

    public string OperatorTargetsPath { get; }

    public string LogPath => _process.LogPath!; // started with a log file, always

    /// <summary>The prometheus.yml for a sandbox (pure): two file_sd jobs and the rule files.</summary>
    public static string Config(string podTargets, string operatorTargets, IEnumerable<string> ruleFiles, TimeSpan scrapeInterval)
    {
        var interval = string.Create(CultureInfo.InvariantCulture, $"{(int)scrapeInterval.TotalMilliseconds}ms");
        var rules = string.Join(string.Empty, ruleFiles.Select(r => $"\n  - {Quote(r)}"));
        return $"""
            # Written by modeloperator-sandbox; regenerated at every start.
            global:
              scrape_interval: {interval}
              scrape_timeout: {interval}
              evaluation_interval: {interval}
            rule_files:{(rules.Length == 0 ? " []" : rules)}
            scrape_configs:
              - job_name: {PodsJob}
                file_sd_configs:
                  - files: [{Quote(podTargets)}]
                    refresh_interval: 1s
              - job_name: {OperatorJob}
                file_sd_configs:
                  - files: [{Quote(operatorTargets)}]
                    refresh_interval: 1s

            """;
    }

    /// <summary>Writes the config and the (empty) target files under <paramref name="dir"/>, starts Prometheus on <paramref name="port"/> and waits until it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(string binary, string dir, int port, IEnumerable<string> ruleFiles, string logPath, CancellationToken cancellationToken)
    {
        var data = Path.Combine(dir, "data");
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }

        var targets = Path.Combine(dir, "targets");
        Directory.CreateDirectory(targets);
        var pods = Path.Combine(targets, "pods.json");
        var operators = Path.Combine(targets, "operators.json");
        File.WriteAllText(pods, "[]");
        File.WriteAllText(operators, "[]");
        var config = Path.Combine(dir, "prometheus.yml");
        File.WriteAllText(config, Config(pods, operators, ruleFiles, TimeSpan.FromSeconds(2)));

        var url = new Uri($"http://127.0.0.1:{port}/");
        var server = new PrometheusServer(
            () => ChildProcess.Start("prometheus", binary,
                [$"--config.file={config}", $"--storage.tsdb.path={data}", $"--web.listen-address=127.0.0.1:{port}", "--storage.tsdb.retention.time=1d", "--log.level=warn"],
                logPath),
            url, pods, operators);
        try
        {
            await WaitReadyAsync(server._process, url, logPath, cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task WaitReadyAsync(ChildProcess process, Uri url, string logPath, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"prometheus exited with {process.ExitCode} before it was ready; its log ({logPath}) ends with:\n{process.Tail()}");
            }

            try
            {
                using var ready = await http.GetAsync(new Uri(url, "-/ready"), cancellationToken).ConfigureAwait(false);
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        throw new InvalidOperationException($"prometheus is not ready after 30 s; see {logPath}");
    }

    /// <summary>Replaces the operator targets: one per replica's metrics port.</summary>
    public void SetOperatorTargets(IEnumerable<(string Name, int Port)> operators)
    {
        var groups = operators.Select(o => new Dictionary<string, object>
        {
            ["targets"] = new[] { string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{o.Port}") },
            ["labels"] = new Dictionary<string, string> { ["pod"] = o.Name },
        });
        var temp = OperatorTargetsPath + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(groups));
        File.Move(temp, OperatorTargetsPath, overwrite: true);
    }

    private static string Quote(string value) => JsonSerializer.Serialize(value);

    /// <summary>Stops Prometheus (SIGTERM, then SIGKILL after 10 s); its data stays for <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync() => await _process.StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);

    /// <summary>Starts Prometheus again after <see cref="StopAsync"/>, with the same port, config and data, and waits until it is ready.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken)
    {
        if (!_process.HasExited)
        {
            throw new InvalidOperationException("Prometheus is still running; stop it first.");
        }

        await _process.DisposeAsync().ConfigureAwait(false);
        _process = _start();
        await WaitReadyAsync(_process, Url, LogPath, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await _process.DisposeAsync().ConfigureAwait(false);
}
