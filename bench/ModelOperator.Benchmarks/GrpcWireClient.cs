using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace ModelOperator.Benchmarks;

/// <summary>
/// A gRPC unary caller as lean as the REST load generator: the request message is serialised and framed once (the
/// 5-byte gRPC prefix), each call posts those bytes over HTTP/2 with HttpClient, reads the answer to its end and checks
/// <c>grpc-status</c>, without building or parsing messages. Grpc.Net.Client does that work per call, so on two cores
/// it takes CPU from the server it measures; the bench reports both clients. Each caller owns one; callers either have
/// an HTTP/2 connection each or share one (<see cref="Connection"/>), whose concurrent calls are then streams on it, as
/// gRPC's own clients send them.
/// </summary>
internal sealed class GrpcWireClient : IDisposable
{
    private static readonly MediaTypeHeaderValue GrpcContentType = new("application/grpc");

    private readonly HttpClient _client;
    private readonly bool _ownsClient;
    private readonly Uri _method;
    private readonly byte[] _framed;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly string? _timeout;

    /// <param name="connection">The HTTP/2 connection to call over, shared with other callers; null for one of its own.</param>
    /// <param name="timeout">A <c>grpc-timeout</c> value to send with every call, or null for none.</param>
    public GrpcWireClient(int port, string method, IMessage request, HttpClient? connection = null, string? timeout = null)
    {
        _timeout = timeout;
        _ownsClient = connection is null;
        _client = connection ?? Connection();
        _method = new Uri($"http://127.0.0.1:{port}{method}");
        var message = request.ToByteArray();
        _framed = new byte[5 + message.Length];
        BinaryPrimitives.WriteInt32BigEndian(_framed.AsSpan(1), message.Length);
        message.CopyTo(_framed, 5);
    }

    /// <summary>True when the call answered <c>grpc-status: 0</c>.</summary>
    public async Task<bool> CallAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _method)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(_framed),
        };
        request.Content.Headers.ContentType = GrpcContentType;
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        if (_timeout is not null)
        {
            request.Headers.TryAddWithoutValidation("grpc-timeout", _timeout);
        }

        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            while (await stream.ReadAsync(_buffer).ConfigureAwait(false) > 0)
            {
            }
        }

        // A failing call may answer trailers-only: grpc-status in the headers.
        return response.StatusCode == HttpStatusCode.OK
               && (response.TrailingHeaders.TryGetValues("grpc-status", out var status) || response.Headers.TryGetValues("grpc-status", out status))
               && status.First() == "0";
    }

    /// <summary>
    /// An HttpClient that sends every call over one HTTP/2 connection (SocketsHttpHandler opens a second only when the
    /// server's stream limit, 100 in Kestrel, is reached), as long as it lives.
    /// </summary>
    public static HttpClient Connection() =>
        new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, EnableMultipleHttp2Connections = false })
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(30),
        };

    public void Dispose()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }
}
