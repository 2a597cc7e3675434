using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Channels;
using ModelOperator.Runtime.Server.Hosting;
using ModelOperator.Runtime.Server.Models;

namespace ModelOperator.Runtime.Server.Shadow;

/// <summary>
/// Sends copies of a share of the requests to the candidate named by the instruction, after this server answered them,
/// and compares the candidate's answers with its own (<see cref="AnswerComparison"/>). The request path only copies
/// bytes and writes to a bounded queue: a full queue drops the copy (counted), it never waits. A few background senders
/// drain the queue through one owned client with bounded connections, a timeout, no redirects and a cap on the
/// answer's size; nothing the candidate does reaches the user.
/// </summary>
internal sealed partial class ShadowMirror : IHostedService, IDisposable
{
    /// <summary>Concurrent sends to the candidate: enough to keep up with a stable pod on a small machine, few enough to stay cheap.</summary>
    public const int Senders = 2;

    /// <summary>The candidate's answer may be this much larger than ours (plus <see cref="AnswerSlackBytes"/>) before it is refused.</summary>
    public const int AnswerSizeFactor = 2;

    public const int AnswerSlackBytes = 64 * 1024;

    private readonly InstructionReloader _instructions;
    private readonly ShadowMetrics _metrics;
    private readonly ServerOptions _options;
    private readonly ModelState _state;
    private readonly TimeProvider _time;
    private readonly ILogger<ShadowMirror> _logger;
    private readonly Func<double> _draw;
    private readonly Channel<MirrorCopy> _queue;
    private readonly HttpClient _client;
    private readonly CancellationTokenSource _stopping = new();
    private Task[] _senders = [];

    public ShadowMirror(InstructionReloader instructions, ShadowMetrics metrics, ServerOptions options, ModelState state, TimeProvider time, ILogger<ShadowMirror> logger)
        : this(instructions, metrics, options, state, time, logger, Random.Shared.NextDouble)
    {
    }

    /// <param name="draw">A uniform draw in [0, 1) per request; a seeded one makes the share reproducible in tests.</param>
    internal ShadowMirror(InstructionReloader instructions, ShadowMetrics metrics, ServerOptions options, ModelState state, TimeProvider time, ILogger<ShadowMirror> logger, Func<double> draw)
    {
        _instructions = instructions;
        _metrics = metrics;
        _options = options;
        _state = state;
        _time = time;
        _logger = logger;
        _draw = draw;
        _queue = Channel.CreateBounded<MirrorCopy>(new BoundedChannelOptions(options.ShadowQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: a full queue refuses at once, and the copy is dropped
            SingleWriter = false,
            SingleReader = false,
        });
        _client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = Senders,
            // New connections now and then, so copies spread over the candidate's pods behind its Service.
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectTimeout = options.ShadowTimeout,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            MaxResponseHeadersLength = 64, // KiB
        })
        {
            Timeout = Timeout.InfiniteTimeSpan, // each send has its own, on the TimeProvider
        };
    }

    /// <summary>
    /// Called while the request body is still readable: a copy of it when this request is chosen for mirroring (the
    /// plan is on and the draw falls within its share), else null. A full queue drops the copy here, before copying.
    /// </summary>
    public MirrorCopy? Sample(in ReadOnlySequence<byte> body)
    {
        var plan = _instructions.Current;
        if (!plan.IsOn || !Chosen(plan.Percent, _draw()))
        {
            return null;
        }

        if (_queue.Reader.Count >= _options.ShadowQueueCapacity)
        {
            _metrics.Dropped.Inc();
            return null;
        }

        return new MirrorCopy(plan, body.ToArray());
    }

    /// <summary>After the stable answer was written: queue the copy with that answer, or drop it (counted) when the queue is full.</summary>
    public void Offer(MirrorCopy? copy, ReadOnlyMemory<byte> stableAnswer)
    {
        if (copy is null)
        {
            return;
        }

        copy.StableAnswer = stableAnswer.ToArray();
        if (!_queue.Writer.TryWrite(copy))
        {
            _metrics.Dropped.Inc();
        }
    }

    /// <summary>Whether a request with this draw is within a share of <paramref name="percent"/> (0 to 100).</summary>
    internal static bool Chosen(double percent, double draw) => draw * 100 < percent;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _senders = [.. Enumerable.Range(0, Senders).Select(_ => Task.Run(() => SendLoopAsync(_stopping.Token), CancellationToken.None))];
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Copies still queued are not worth delaying a shutdown for.
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_senders).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _client.Dispose();
    }

    private async Task SendLoopAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var copy in _queue.Reader.ReadAllAsync(stopping).ConfigureAwait(false))
            {
                try
                {
                    await SendAsync(copy, stopping).ConfigureAwait(false);
                }
                catch (Exception ex) when (!stopping.IsCancellationRequested)
                {
                    // Whatever the candidate did, the sender lives on for the next copy.
                    Fail($"the copy could not be sent or compared ({ex.GetType().Name})");
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task SendAsync(MirrorCopy copy, CancellationToken stopping)
    {
        using var timeout = new CancellationTokenSource(_options.ShadowTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
        var started = _time.GetTimestamp();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, copy.Plan.InferUri) { Content = new ByteArrayContent(copy.Body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var limit = (copy.StableAnswer.Length * AnswerSizeFactor) + AnswerSlackBytes;
            if ((int)response.StatusCode is < 200 or > 299)
            {
                Fail($"the candidate answered {(int)response.StatusCode}");
                return;
            }

            if (await ReadCappedAsync(response.Content, limit, linked.Token).ConfigureAwait(false) is not { } answer)
            {
                Fail($"the candidate's answer is larger than {limit} bytes");
                return;
            }

            _metrics.CandidateDuration.Observe(_time.GetElapsedTime(started).TotalSeconds);
            // Labels come from the signature, at most MaxOutputs of them, never from either answer.
            var outputs = _state.Current.Model?.Signature.Outputs.Take(ShadowMetrics.MaxOutputs).Select(o => o.Name).ToArray() ?? [];
            _metrics.Record(AnswerComparison.Compare(copy.StableAnswer, answer, copy.Plan.Tolerance, outputs));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            Fail($"the candidate did not answer within {_options.ShadowTimeout.TotalMilliseconds} ms");
        }
        catch (HttpRequestException ex)
        {
            Fail($"the candidate could not be reached ({ex.HttpRequestError})");
        }
        catch (JsonException ex)
        {
            Fail($"the candidate's answer is not an inference response: {ex.Message}");
        }
        catch (IOException ex)
        {
            Fail($"the candidate's answer broke off ({ex.GetType().Name})");
        }
    }

    private void Fail(string why)
    {
        _metrics.Failed.Inc();
        Log.CopyFailed(_logger, why);
    }

    /// <summary>The whole body, or null when it is longer than <paramref name="limit"/> (read no further than one byte past it).</summary>
    private static async Task<byte[]?> ReadCappedAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > limit)
        {
            return null;
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[Math.Min(limit + 1, (int?)content.Headers.ContentLength + 1 ?? 16 * 1024)];
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limit)
                    {
                        return null;
                    }

                    Array.Resize(ref buffer, Math.Min(limit + 1, buffer.Length * 2));
                }

                var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return length > limit ? null : buffer[..length];
                }

                length += read;
            }
        }
    }

    private static partial class Log
    {
        // Debug: a failing candidate fails every copy, and the counter already says how many.
        [LoggerMessage(Level = LogLevel.Debug, Message = "Shadow copy failed: {Why}")]
        public static partial void CopyFailed(ILogger logger, string why);
    }
}
