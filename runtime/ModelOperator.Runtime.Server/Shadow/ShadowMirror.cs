using System.Buffers;
using ModelOperator.Runtime.Server.Grpc.Protocol;
using ModelOperator.Runtime.Server.Hosting;
using ModelOperator.Runtime.Server.Models;

namespace ModelOperator.Runtime.Server.Shadow;

/// <summary>
/// Sends copies of a share of the requests to the candidate named by the instruction, after this server answered them,
/// and compares the candidate's answers with its own (<see cref="AnswerComparison"/>). The request path only copies
/// bytes into rented buffers and writes to a bounded queue: a full queue drops the copy (counted), it never waits. A
/// few asynchronous senders (<see cref="CopySender"/>) drain the queue in batches, each over one kept pipelined
/// connection (<see cref="PipelinedConnection"/>; an https candidate through one owned client), with a timeout, no
/// redirects and a cap on the answer's size; nothing the candidate does reaches the user.
/// </summary>
internal sealed class ShadowMirror : IHostedService, IDisposable
{
    /// <summary>Concurrent sends to the candidate: enough to keep up with a stable pod on a small machine, few enough to stay cheap.</summary>
    public const int Senders = 2;

    /// <summary>The candidate's answer may be this much larger than ours (plus <see cref="AnswerSlackBytes"/>) before it is refused.</summary>
    public const int AnswerSizeFactor = 2;

    public const int AnswerSlackBytes = 64 * 1024;

    /// <summary>Most copies one sender takes per wake and sends on its connection at once (bounded by the queue too).</summary>
    public const int MaxBatch = 32;

    /// <summary>Most bytes of requests written to the candidate at once (a larger copy still goes, alone).</summary>
    public const int MaxBatchBytes = 1 << 20;

    /// <summary>
    /// How long a woken sender waits before taking the queued copies: shadow answers are not latency-critical, and at
    /// concurrency 1 a wait of a few requests' time lets one wake, one write and a few reads serve several copies.
    /// </summary>
    public static readonly TimeSpan CoalesceDelay = TimeSpan.FromMilliseconds(2);

    /// <summary>Connections to the candidate are renewed this often, so copies spread over the candidate's pods behind its Service.</summary>
    public static readonly TimeSpan ConnectionLifetime = TimeSpan.FromMinutes(1);

    private readonly InstructionReloader _instructions;
    private readonly ShadowMetrics _metrics;
    private readonly ServerOptions _options;
    private readonly ModelState _state;
    private readonly TimeProvider _time;
    private readonly ILogger<ShadowMirror> _logger;
    private readonly Func<double> _draw;
    private readonly MirrorQueue _queue;
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
        _queue = new MirrorQueue(options.ShadowQueueCapacity);
        _client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = Senders,
            PooledConnectionLifetime = ConnectionLifetime,
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
    /// Called while the request body is still readable: a copy of its bytes (into a rented buffer) when this request is
    /// chosen for mirroring (the plan is on and the draw falls within its share), else null. A full queue drops the
    /// copy here, before copying. <paramref name="body"/> is the body as it is parsed (decoded, when it came compressed)
    /// and <paramref name="headerLength"/> its binary data extension's JSON length (-1 for JSON), so the candidate
    /// gets a request it reads the same way.
    /// </summary>
    public MirrorCopy? Sample(in ReadOnlySequence<byte> body, long headerLength)
    {
        var plan = _instructions.Current;
        if (!plan.IsOn || !Chosen(plan.Percent, _draw()))
        {
            return null;
        }

        if (_queue.Count >= _options.ShadowQueueCapacity)
        {
            _metrics.Dropped.Inc();
            return null;
        }

        return MirrorCopy.Rent(plan, body, headerLength);
    }

    /// <summary>
    /// After the stable answer was written: queue the copy with a copy of that answer (and its binary data extension's
    /// JSON length, -1 for JSON), or drop it (counted) when the queue is full. Nothing else happens on the request's
    /// thread: serialising, sending and comparing are the senders'.
    /// </summary>
    public void Offer(MirrorCopy? copy, ReadOnlyMemory<byte> stableAnswer, long answerHeaderLength)
    {
        if (copy is null)
        {
            return;
        }

        copy.KeepAnswer(stableAnswer.Span, answerHeaderLength);
        if (!_queue.TryAdd(copy))
        {
            _metrics.Dropped.Inc();
            copy.Return();
        }
    }

    /// <summary>
    /// After a gRPC ModelInfer answered: queue a copy (references to both messages, nothing copied or serialised on the
    /// call's thread) when the call is chosen, or drop it (counted) when the queue is full.
    /// </summary>
    public void OfferGrpc(ModelInferRequest request, ModelInferResponse response)
    {
        var plan = _instructions.Current;
        if (!plan.IsOn || !Chosen(plan.Percent, _draw()))
        {
            return;
        }

        if (!_queue.TryAdd(MirrorCopy.FromGrpc(plan, request, response)))
        {
            _metrics.Dropped.Inc();
        }
    }

    /// <summary>Whether a request with this draw is within a share of <paramref name="percent"/> (0 to 100).</summary>
    internal static bool Chosen(double percent, double draw) => draw * 100 < percent;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _senders = [.. Enumerable.Range(0, Senders).Select(_ => Task.Run(
            async () =>
            {
                using var sender = new CopySender(_client, _metrics, _options, _state, _time, _logger, _stopping.Token);
                await sender.RunAsync(_queue).ConfigureAwait(false);
            },
            CancellationToken.None))];
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Copies still queued are not worth delaying a shutdown for.
        _queue.Close();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_senders).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _client.Dispose();
    }
}
