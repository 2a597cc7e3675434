using System.Buffers;
using System.Net;
using System.Text;
using ModelOperator.Api;
using ModelOperator.Operator.Settings;
using ModelOperator.Runtime.Protocol;

namespace ModelOperator.Operator.Http;

/// <summary>
/// The one HTTP client for every call the operator makes outside the API server: readiness probes and scrapes of
/// model server pods, and the Prometheus provider's queries. Pods and a tenant-named Prometheus are not trusted, so each
/// call is bounded:
/// <list type="bullet">
/// <item>redirects are not followed: a 3xx is an error (a redirect could send the operator to an internal address);</item>
/// <item>at most <see cref="OperatorOptions.MaxResponseBytes"/> of the answer are read, and no compressed answers are asked
/// for (they could unpack far past the cap);</item>
/// <item>a timeout per call, on the operator's <see cref="TimeProvider"/>, covering the headers and the whole body, so a
/// server that trickles a byte a second cannot hold a call open;</item>
/// <item>inside a reconcile, its <see cref="OutboundBudget"/>: a bounded number of calls at once and a deadline for all;</item>
/// <item>one bounded connection pool (<see cref="CreateHandler"/>).</item>
/// </list>
/// Failures are <see cref="OutboundHttpException"/>s whose messages name the bound and never echo what the remote sent.
/// </summary>
public sealed class OutboundHttp : IDisposable
{
    private readonly HttpClient _http;
    private readonly TimeProvider _time;

    public OutboundHttp(OperatorOptions options, TimeProvider time)
        : this(CreateHandler(options), options, time)
    {
    }

    internal OutboundHttp(HttpMessageHandler handler, OperatorOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        // Timeouts are ours, on the TimeProvider; HttpClient's own would run on the wall clock.
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _time = time;
        MaxResponseBytes = options.MaxResponseBytes;
        DefaultTimeout = options.AnalysisTimeout;
    }

    /// <summary>The most bytes read from one answer.</summary>
    public int MaxResponseBytes { get; }

    /// <summary>The per-call timeout when the caller names none (ANALYSIS_TIMEOUT).</summary>
    public TimeSpan DefaultTimeout { get; }

    /// <summary>
    /// The shared connection pool: no proxy (every address is in the cluster: pod IPs and the admin-allowed Prometheus),
    /// no cookies, a few connections per address, connections renewed every 2 minutes (pods come and go, a Service's
    /// address can change), a connect timeout of ANALYSIS_TIMEOUT, at most 64 KiB of response headers, and at most
    /// 64 KiB drained from an answer given up on before its connection is dropped instead of reused.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(OperatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
            UseCookies = false,
            MaxConnectionsPerServer = options.OutboundMaxConnectionsPerServer,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            ConnectTimeout = options.AnalysisTimeout,
            MaxResponseHeadersLength = 64,
            MaxResponseDrainSize = 64 * 1024,
            ResponseDrainTimeout = TimeSpan.FromSeconds(1),
        };
    }

    /// <summary>
    /// GETs <paramref name="uri"/>: the status (never a 3xx) and the body as UTF-8 text. Throws
    /// <see cref="OutboundHttpException"/> when a bound stops the call or the address cannot be read, and
    /// <see cref="OperationCanceledException"/> only when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public Task<(int Status, string Body)> GetAsync(Uri uri, TimeSpan? timeout, CancellationToken cancellationToken) =>
        GetAsync(uri, timeout, null, cancellationToken);

    /// <summary><see cref="GetAsync(Uri, TimeSpan?, CancellationToken)"/> sending <paramref name="headers"/> too.</summary>
    public Task<(int Status, string Body)> GetAsync(Uri uri, TimeSpan? timeout, IReadOnlyList<KeyValuePair<string, string>>? headers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return SendAsync(() => WithHeaders(new HttpRequestMessage(HttpMethod.Get, uri), headers), uri, timeout, cancellationToken);
    }

    /// <summary>
    /// POSTs <paramref name="json"/> (application/json) to <paramref name="uri"/> under the same bounds as
    /// <see cref="GetAsync"/>: the status (never a 3xx: a redirect throws) and the answer as UTF-8 text.
    /// </summary>
    public Task<(int Status, string Body)> PostJsonAsync(Uri uri, ReadOnlyMemory<byte> json, TimeSpan? timeout, CancellationToken cancellationToken) =>
        PostJsonAsync(uri, json, timeout, null, cancellationToken);

    /// <summary><see cref="PostJsonAsync(Uri, ReadOnlyMemory{byte}, TimeSpan?, CancellationToken)"/> sending <paramref name="headers"/> too.</summary>
    public Task<(int Status, string Body)> PostJsonAsync(Uri uri, ReadOnlyMemory<byte> json, TimeSpan? timeout, IReadOnlyList<KeyValuePair<string, string>>? headers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return SendAsync(() => WithHeaders(new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new ReadOnlyMemoryContent(json) { Headers = { ContentType = new("application/json") { CharSet = "utf-8" } } },
        }, headers), uri, timeout, cancellationToken);
    }

    // The caller's headers (a web metric's or webhook's, validated by HttpHeaderRules); they go to this URI only,
    // since redirects are never followed.
    private static HttpRequestMessage WithHeaders(HttpRequestMessage request, IReadOnlyList<KeyValuePair<string, string>>? headers)
    {
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    private async Task<(int Status, string Body)> SendAsync(Func<HttpRequestMessage> create, Uri uri, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var limit = timeout ?? DefaultTimeout;
        var shown = UriRedaction.Redact(uri.OriginalString);
        var budget = OutboundBudget.Current;
        using var timer = new CancellationTokenSource(limit, _time);
        using var linked = budget is null
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token)
            : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token, budget.Expired);
        var entered = false;
        try
        {
            if (budget is not null)
            {
                await budget.Gate.WaitAsync(linked.Token).ConfigureAwait(false);
                entered = true;
            }

            using var request = create();
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is >= 300 and < 400)
            {
                throw new OutboundHttpException(OutboundFailure.Redirect, $"{shown} answered HTTP {status}, a redirect; the operator does not follow redirects");
            }

            if (response.Content.Headers.ContentLength is { } length && length > MaxResponseBytes)
            {
                throw TooLarge(shown);
            }

            return (status, await ReadCappedAsync(response.Content, shown, linked.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw budget is not null && budget.Expired.IsCancellationRequested && !timer.IsCancellationRequested
                ? new OutboundHttpException(OutboundFailure.DeadlinePassed,
                    $"{shown} was not read: the reconcile's outbound deadline of {GoDuration.Format(budget.Deadline)} (OUTBOUND_DEADLINE) passed first", e)
                : new OutboundHttpException(OutboundFailure.Timeout, $"{shown} did not answer in full within {GoDuration.Format(limit)}", e);
        }
        catch (HttpRequestException e) when (e is not OutboundHttpException)
        {
            throw new OutboundHttpException(OutboundFailure.Unreachable, $"{shown} could not be read: {Describe(e.HttpRequestError)}", e);
        }
        catch (IOException e)
        {
            throw new OutboundHttpException(OutboundFailure.Unreachable, $"{shown} could not be read: the connection broke while reading the answer", e);
        }
        finally
        {
            if (entered)
            {
                budget!.Gate.Release();
            }
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<string> ReadCappedAsync(HttpContent content, string shown, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var body = new MemoryStream();
            var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                int read;
                while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (body.Length + read > MaxResponseBytes)
                    {
                        throw TooLarge(shown);
                    }

                    body.Write(chunk, 0, read);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }

            return Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length);
        }
    }

    private OutboundHttpException TooLarge(string shown) =>
        new(OutboundFailure.TooLarge, $"{shown} answered more than {MaxResponseBytes} bytes (MAX_RESPONSE_BYTES); reading stopped there");

    // What went wrong, in our words: HttpRequestException's own message can quote the remote side (a bad header line).
    private static string Describe(HttpRequestError error) => error switch
    {
        HttpRequestError.NameResolutionError => "its host name did not resolve",
        HttpRequestError.ConnectionError => "no connection (refused, reset or timed out)",
        HttpRequestError.SecureConnectionError => "the TLS handshake failed",
        HttpRequestError.InvalidResponse => "the answer was not valid HTTP",
        HttpRequestError.ResponseEnded => "the connection closed before the answer ended",
        HttpRequestError.ConfigurationLimitExceeded => "the answer's headers were longer than 64 KiB",
        HttpRequestError.HttpProtocolError => "an HTTP protocol error",
        _ => "the request failed",
    };
}
