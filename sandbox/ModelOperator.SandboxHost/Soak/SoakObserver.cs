using System.Globalization;
using System.Text.Json;
using ModelOperator.Api;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;
using ModelOperator.SandboxHost.Demo;

namespace ModelOperator.SandboxHost.Soak;

/// <summary>
/// Watches a soak from outside, the way a user would: the ModelDeployment's status every 500 ms, its Deployments and
/// Services every 2 s, the model that answers metadata requests through the Service proxy every second, the operator
/// processes' resident memory (<c>/proc/PID/status</c> VmRSS) every 2 s, and every inference answer of the traffic.
/// Calls that fail (the API server is away, a pod was killed) are counted, not fatal: the soak injects those failures.
/// </summary>
public sealed class SoakObserver(LocalSandbox sandbox, string deploymentName, TimeProvider? time = null) : IAsyncDisposable
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _gate = new();
    private readonly List<StatusSample> _statuses = [];
    private readonly List<ChildrenSample> _children = [];
    private readonly List<ServedAnswer> _answers = [];
    private readonly List<MetadataAnswer> _metadata = [];
    private readonly List<RssSample> _rss = [];
    private readonly Dictionary<int, DateTimeOffset> _operators = [];
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
    private readonly CancellationTokenSource _stop = new();
    private Task? _run;
    private long _failedLooks;
    private int _disposed;

    /// <summary>The last status seen (null before the first).</summary>
    public ModelDeployment? Last { get; private set; }

    /// <summary>Looks that failed (API calls and metadata requests), e.g. while the API server was away.</summary>
    public long FailedLooks => Interlocked.Read(ref _failedLooks);

    /// <summary>Samples the memory of operator process <paramref name="pid"/> from now on.</summary>
    public void TrackOperator(int pid, DateTimeOffset started)
    {
        lock (_gate)
        {
            _operators[pid] = started;
        }
    }

    /// <summary>Records an inference answer of the traffic (a 200 naming a model version).</summary>
    public void Record(TrafficAnswer answer)
    {
        if (answer.Version is { } version)
        {
            lock (_gate)
            {
                _answers.Add(new ServedAnswer(answer.Sent, answer.Answered, version));
            }
        }
    }

    public void Start() => _run = Task.WhenAll(
        LoopAsync(TimeSpan.FromMilliseconds(500), LookAtStatusAsync),
        LoopAsync(TimeSpan.FromSeconds(2), LookAtChildrenAsync),
        LoopAsync(TimeSpan.FromSeconds(1), LookAtMetadataAsync),
        LoopAsync(TimeSpan.FromSeconds(2), _ => SampleMemory()));

    /// <summary>One more look at the status now (the rounds wait on it).</summary>
    public Task<ModelDeployment?> LookNowAsync(CancellationToken cancellationToken) => LookAtStatusAsync(cancellationToken);

    /// <summary>Everything seen so far, with the Events listed now.</summary>
    public async Task<SoakHistory> HistoryAsync(SoakHistory template, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(template);
        var events = await ListEventsAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            return template with
            {
                Statuses = [.. _statuses],
                Children = [.. _children],
                Answers = [.. _answers],
                Metadata = [.. _metadata],
                Rss = [.. _rss],
                Events = events,
            };
        }
    }

    private async Task<IReadOnlyList<EventRecord>> ListEventsAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var events = await sandbox.Client.Resource<Event>().ListAllAsync(DemoRunner.Namespace, null, cancellationToken).ConfigureAwait(false);
                return [.. events.Items
                    .Where(e => e.InvolvedObject?.Kind == ModelDeployment.KindName && e.InvolvedObject.Name == deploymentName)
                    .Select(e => new EventRecord(e.Type ?? string.Empty, e.Reason ?? string.Empty, e.Message ?? string.Empty, e.Count ?? 1))];
            }
            catch (Exception e) when (attempt < 10 && IsLookFailure(e))
            {
                await Task.Delay(TimeSpan.FromSeconds(1), _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<ModelDeployment?> LookAtStatusAsync(CancellationToken cancellationToken)
    {
        var md = await sandbox.Client.Resource<ModelDeployment>().GetAsync(new ObjectKey(DemoRunner.Namespace, deploymentName), cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            Last = md;
            if (md.Status is { } status)
            {
                _statuses.Add(new StatusSample(now, status));
            }
        }

        return md;
    }

    private async Task<ModelDeployment?> LookAtChildrenAsync(CancellationToken cancellationToken)
    {
        var deployments = await sandbox.Client.Resource<Deployment>().ListAllAsync(DemoRunner.Namespace, null, cancellationToken).ConfigureAwait(false);
        var services = await sandbox.Client.Resource<Service>().ListAllAsync(DemoRunner.Namespace, null, cancellationToken).ConfigureAwait(false);
        var children = deployments.Items.Select(d => Child("Deployment", d.Metadata))
            .Concat(services.Items.Select(s => Child("Service", s.Metadata)))
            .ToList();
        var sample = new ChildrenSample(_time.GetUtcNow(), children);
        lock (_gate)
        {
            _children.Add(sample);
        }

        return null;
    }

    private static ChildObject Child(string kind, ObjectMeta meta) => new(
        kind,
        meta.Name ?? string.Empty,
        meta.Labels?.GetValueOrDefault(Labels.Deployment),
        meta.Labels?.GetValueOrDefault(Labels.Revision));

    private async Task<ModelDeployment?> LookAtMetadataAsync(CancellationToken cancellationToken)
    {
        var url = new Uri(sandbox.ServiceUrls[$"{DemoRunner.Namespace}/{deploymentName}"], $"v2/models/{deploymentName}");
        using var response = await _http.GetAsync(url, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            Interlocked.Increment(ref _failedLooks);
            return null;
        }

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        var root = json.RootElement;
        var version = root.TryGetProperty("versions", out var versions) && versions.GetArrayLength() > 0 ? versions[0].GetString() : null;
        var sha = root.TryGetProperty("sha256", out var s) ? s.GetString() : null;
        if (version is not null && sha is not null)
        {
            lock (_gate)
            {
                _metadata.Add(new MetadataAnswer(_time.GetUtcNow(), version, sha));
            }
        }

        return null;
    }

    private Task<ModelDeployment?> SampleMemory()
    {
        KeyValuePair<int, DateTimeOffset>[] operators;
        lock (_gate)
        {
            operators = [.. _operators];
        }

        foreach (var (pid, started) in operators)
        {
            if (ReadRss(pid) is { } bytes)
            {
                lock (_gate)
                {
                    _rss.Add(new RssSample(pid, started, _time.GetUtcNow(), bytes));
                }
            }
            else
            {
                lock (_gate)
                {
                    _operators.Remove(pid); // gone: killed by the soak
                }
            }
        }

        return Task.FromResult<ModelDeployment?>(null);
    }

    /// <summary>VmRSS of a process in bytes (null when it is gone).</summary>
    internal static long? ReadRss(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return ParseVmRssKb(line) * 1024;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return null;
    }

    /// <summary>The kB of a <c>VmRSS:    123456 kB</c> line.</summary>
    internal static long ParseVmRssKb(string line) =>
        long.Parse(line["VmRSS:".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], NumberStyles.None, CultureInfo.InvariantCulture);

    private async Task LoopAsync(TimeSpan every, Func<CancellationToken, Task<ModelDeployment?>> look)
    {
        var stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
                timeout.CancelAfter(TimeSpan.FromSeconds(15));
                await look(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (IsLookFailure(e) && !stop.IsCancellationRequested)
            {
                Interlocked.Increment(ref _failedLooks);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await Task.Delay(every, _time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static bool IsLookFailure(Exception e) =>
        e is KubernetesApiException or HttpRequestException or IOException or OperationCanceledException or JsonException or InvalidOperationException;

    /// <summary>Stops looking; the history stays readable. Safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_run is not null)
        {
            await _run.ConfigureAwait(false);
        }

        _http.Dispose();
        _stop.Dispose();
    }
}
