using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ModelOperator.Operator.Tests.Support;

/// <summary>What a hostile pod or Prometheus does with every request it gets.</summary>
public enum Hostility
{
    /// <summary>Reads the request and never answers.</summary>
    Silent,

    /// <summary>Answers headers promising 100 000 bytes, then one byte every 50 ms.</summary>
    Trickle,

    /// <summary>Answers 200 with a chunked body of 1 GiB (no Content-Length to refuse it by).</summary>
    Huge,

    /// <summary>Answers 200 declaring a Content-Length of 1 GiB and starts sending it.</summary>
    HugeDeclared,

    /// <summary>Answers 302 to the redirect target (an "internal" address).</summary>
    Redirect,

    /// <summary>Answers bytes that are not HTTP.</summary>
    Garbage,

    /// <summary>Answers 200 with 100 KiB of headers.</summary>
    HugeHeaders,
}

/// <summary>
/// A raw TCP server on 127.0.0.1 and a free port that misbehaves as <see cref="Hostility"/> says, counting the requests
/// it read and the bytes it managed to send. Stops (and drops every connection) when disposed.
/// </summary>
internal sealed class HostileHttpServer : IAsyncDisposable
{
    public const long OneGiB = 1L << 30;
    private readonly TcpListener _listener;
    private readonly Hostility _mode;
    private readonly Uri? _redirectTo;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<TcpClient> _clients = [];
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];
    private readonly Task _accepting;
    private int _requests;
    private long _bytesSent;

    private HostileHttpServer(Hostility mode, Uri? redirectTo)
    {
        _mode = mode;
        _redirectTo = redirectTo;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public Uri BaseUrl => new($"http://127.0.0.1:{Port}/");

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Bytes written into connections (headers and body) that the kernel accepted.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public static HostileHttpServer Start(Hostility mode, Uri? redirectTo = null) => new(mode, redirectTo);

    /// <summary>Completes once the server has read <paramref name="count"/> requests in all.</summary>
    public Task RequestedAsync(int count)
    {
        lock (_waiters)
        {
            if (_requests >= count)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
            return done.Task;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _clients.Add(client);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        try
        {
            var stream = client.GetStream();
            await ReadRequestHeadAsync(stream);
            Counted();
            switch (_mode)
            {
                case Hostility.Silent:
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                    break;
                case Hostility.Trickle:
                    await SendAsync(stream, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n");
                    for (var i = 0; i < 100_000; i++)
                    {
                        await SendAsync(stream, "x");
                        await Task.Delay(50, _stop.Token); // the hostile pace, not the test's
                    }

                    break;
                case Hostility.Huge:
                    await SendAsync(stream, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n");
                    var chunk = Encoding.ASCII.GetBytes("10000\r\n" + new string('1', 0x10000) + "\r\n");
                    for (long sent = 0; sent < OneGiB; sent += 0x10000)
                    {
                        await SendAsync(stream, chunk);
                    }

                    break;
                case Hostility.HugeDeclared:
                    await SendAsync(stream, $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {OneGiB}\r\n\r\n");
                    var block = new byte[0x10000];
                    for (long sent = 0; sent < OneGiB; sent += block.Length)
                    {
                        await SendAsync(stream, block);
                    }

                    break;
                case Hostility.Redirect:
                    await SendAsync(stream, $"HTTP/1.1 302 Found\r\nLocation: {_redirectTo}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    break;
                case Hostility.Garbage:
                    await SendAsync(stream, "SECRET-TOKEN=abc123 THIS IS NOT HTTP\r\n\r\n");
                    break;
                case Hostility.HugeHeaders:
                    await SendAsync(stream, "HTTP/1.1 200 OK\r\nX-Filler: " + new string('a', 100 * 1024) + "\r\nContent-Length: 0\r\n\r\n");
                    break;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client hung up (as it should) or the server stops.
        }
        finally
        {
            client.Dispose();
        }
    }

    private void Counted()
    {
        lock (_waiters)
        {
            _requests++;
            foreach (var waiter in _waiters.Where(w => w.Count <= _requests).ToList())
            {
                waiter.Done.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    private async Task ReadRequestHeadAsync(NetworkStream stream)
    {
        var seen = new StringBuilder();
        var buffer = new byte[1024];
        while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && seen.Length < 64 * 1024)
        {
            var read = await stream.ReadAsync(buffer, _stop.Token);
            if (read == 0)
            {
                throw new IOException("the client closed before sending a request");
            }

            seen.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
    }

    private Task SendAsync(NetworkStream stream, string text) => SendAsync(stream, Encoding.ASCII.GetBytes(text));

    private async Task SendAsync(NetworkStream stream, byte[] bytes)
    {
        await stream.WriteAsync(bytes, _stop.Token);
        Interlocked.Add(ref _bytesSent, bytes.Length);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{_mode} on {Port}");
}
