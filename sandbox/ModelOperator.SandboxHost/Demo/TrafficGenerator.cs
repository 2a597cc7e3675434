using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace ModelOperator.SandboxHost.Demo;

/// <summary>
/// Steady inference traffic: Open Inference Protocol requests at a fixed rate to one URL, each carrying the next row of
/// a CSV of customers (the churn reference data: reference-like traffic, so only a model change can move the
/// predictions). Counts answers by outcome; never throws from a request.
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

    public TrafficGenerator(Uri url, IReadOnlyList<string> bodies, double rate)
    {
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
                    Interlocked.Increment(ref _failed); // the servers are behind: count it, do not pile up
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
        try
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await _http.PostAsync(_url, content, stop).ConfigureAwait(false);
            Interlocked.Increment(ref response.IsSuccessStatusCode ? ref _ok : ref _failed);
            if (response.IsSuccessStatusCode)
            {
                _byVersion.AddOrUpdate(VersionOf(await response.Content.ReadAsStringAsync(stop).ConfigureAwait(false)), 1, (_, n) => n + 1);
            }
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or ObjectDisposedException)
        {
            Interlocked.Increment(ref _failed);
        }
        finally
        {
            _inFlight.Release();
        }
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
