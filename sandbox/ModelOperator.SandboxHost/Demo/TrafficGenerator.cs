using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace ModelOperator.SandboxHost.Demo;

/// <summary>
/// Steady inference traffic: Open Inference Protocol requests at a fixed rate to one URL, each carrying the next row of
/// a CSV of customers (the churn reference data: reference-like traffic, so only a model change can move the
/// predictions). Counts answers by outcome and failures by reason, tells <see cref="OnAnswer"/> of each; never throws
/// from a request.
/// </summary>
public sealed class TrafficGenerator : IAsyncDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 16 }) { Timeout = TimeSpan.FromSeconds(5) };
    private readonly Uri _url;
    private readonly IReadOnlyList<string> _bodies;
    private readonly double _rate;
    private readonly CancellationTokenSource _stop = new();
    private const int MaxInFlight = 32;
    private readonly SemaphoreSlim _inFlight = new(MaxInFlight);
    private Task? _run;
    private long _ok;
    private long _failed;
    private long _sent;
    private readonly ConcurrentDictionary<string, long> _byVersion = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _failedBy = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public TrafficGenerator(Uri url, IReadOnlyList<string> bodies, double rate, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        ArgumentNullException.ThrowIfNull(bodies);
        if (bodies.Count == 0 || rate <= 0)
        {
            throw new ArgumentException("traffic needs at least one request body and a positive rate");
        }

        _url = url;
        _bodies = bodies;
        _rate = rate;
    }

    public long Succeeded => Interlocked.Read(ref _ok);

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Successful answers by the <c>model_version</c> they name: which revision really served.</summary>
    public IReadOnlyDictionary<string, long> AnsweredByVersion => _byVersion;

    /// <summary>Failed requests by reason: <c>HTTP 503</c> (any status other than 200), <c>connection failed</c>,
    /// <c>timed out</c> (no answer in 5 s), <c>not sent: 32 in flight</c> (the servers are behind).</summary>
    public IReadOnlyDictionary<string, long> FailedByReason => _failedBy;

    /// <summary>Called once per request that was sent, when it ends (on the request's own task; keep it short and thread-safe).</summary>
    public Action<TrafficAnswer>? OnAnswer { get; init; }

    /// <summary>Request bodies for a features input from a CSV with a header row and numeric columns.</summary>
    public static IReadOnlyList<string> BodiesFromCsv(string path, string inputName)
    {
        var lines = File.ReadLines(path).Skip(1).Where(l => l.Length > 0).ToList();
        return [.. lines.Select(line =>
        {
            var values = line.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture)).ToList();
            return $$"""{"inputs":[{"name":"{{inputName}}","shape":[1,{{values.Count}}],"datatype":"FP32","data":[{{string.Join(',', values)}}]}]}""";
        })];
    }

    /// <summary>The <c>model_version</c> of an inference answer ("?" when it names none).</summary>
    internal static string VersionOf(string answer)
    {
        const string key = "\"model_version\":\"";
        var start = answer.IndexOf(key, StringComparison.Ordinal);
        if (start < 0)
        {
            return "?";
        }

        start += key.Length;
        var end = answer.IndexOf('"', start);
        return end < 0 ? "?" : answer[start..end];
    }

    public void Start() => _run = Task.Run(() => RunAsync(_stop.Token));

    private async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / _rate));
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                if (!await _inFlight.WaitAsync(0, stop).ConfigureAwait(false))
                {
                    Fail("not sent: 32 in flight"); // the servers are behind: count it, do not pile up
                    continue;
                }

                var body = _bodies[(int)(Interlocked.Increment(ref _sent) % _bodies.Count)];
                _ = SendAsync(body, stop);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task SendAsync(string body, CancellationToken stop)
    {
        var sent = _time.GetUtcNow();
        string? version = null;
        string? failure = null;
        try
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await _http.PostAsync(_url, content, stop).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                version = VersionOf(await response.Content.ReadAsStringAsync(stop).ConfigureAwait(false));
                Interlocked.Increment(ref _ok);
                _byVersion.AddOrUpdate(version, 1, (_, n) => n + 1);
            }
            else
            {
                failure = string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode}");
            }
        }
        catch (HttpRequestException)
        {
            failure = "connection failed";
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            failure = "timed out";
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            failure = "stopped";
        }
        finally
        {
            _inFlight.Release();
        }

        if (failure is not null)
        {
            Fail(failure);
        }

        OnAnswer?.Invoke(new TrafficAnswer(sent, _time.GetUtcNow(), version, failure));
    }

    private void Fail(string reason)
    {
        Interlocked.Increment(ref _failed);
        _failedBy.AddOrUpdate(reason, 1, (_, n) => n + 1);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_run is not null)
        {
            await _run.ConfigureAwait(false);
        }

        // Every request in flight holds a slot: taking them all means none is left using the client.
        for (var i = 0; i < MaxInFlight; i++)
        {
            await _inFlight.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }

        _http.Dispose();
        _stop.Dispose();
    }
}
