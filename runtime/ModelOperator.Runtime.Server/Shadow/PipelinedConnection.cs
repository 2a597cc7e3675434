using System.Buffers;
using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ModelOperator.Runtime.Server.Shadow;

/// <summary>
/// One plain HTTP/1.1 connection to the candidate that carries many copies at once: the requests are written in one
/// write and their answers read back in order (HTTP/1.1 pipelining; Kestrel answers pipelined requests in order). One
/// exchange through HttpClient cost the stable server ~75–110 µs of CPU per copy; here a wake, a write and a few reads
/// are shared by every copy of a batch. Only <c>http</c> targets (the instruction's <c>target</c>, already validated):
/// https goes through HttpClient. Bounded everywhere: headers of at most <see cref="MaxHeaderBytes"/>, a body of at most
/// the caller's limit, each read under the caller's token. Anything unexpected (a broken or closed connection, a framing
/// it cannot follow, an answer too large to skip) throws <see cref="PipelineBrokenException"/>: the caller closes the
/// connection and counts the copies still in flight as failed, since their answers can no longer be told apart.
/// </summary>
internal sealed class PipelinedConnection : IDisposable
{
    /// <summary>Most bytes of an answer's status line and headers.</summary>
    public const int MaxHeaderBytes = 64 * 1024;

    private const int ReadChunk = 16 * 1024;

    private static readonly byte[] HeaderLengthName = Encoding.ASCII.GetBytes(Inference.BinaryDataExtension.HeaderName);

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private byte[] _in = ArrayPool<byte>.Shared.Rent(ReadChunk * 2);
    private int _start;
    private int _end;
    private byte[] _body = ArrayPool<byte>.Shared.Rent(ReadChunk);
    private bool _closeAfterAnswer;

    private PipelinedConnection(Uri target, Socket socket, long openedAt)
    {
        Target = target;
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        OpenedAt = openedAt;
    }

    /// <summary>The infer URL this connection sends to.</summary>
    public Uri Target { get; }

    /// <summary>The <see cref="TimeProvider.GetTimestamp"/> it was opened at (connections are renewed so copies spread over the candidate's pods).</summary>
    public long OpenedAt { get; }

    /// <summary>False once the candidate said it closes the connection, or the connection broke: open a new one.</summary>
    public bool Usable { get; private set; } = true;

    /// <summary>Whether copies to <paramref name="target"/> may go through a pipelined connection (plain http only).</summary>
    public static bool Serves(Uri target) => target.Scheme == Uri.UriSchemeHttp;

    /// <summary>Connects to the target's host and port (no proxy, as the HttpClient it stands in for).</summary>
    public static async Task<PipelinedConnection> OpenAsync(Uri target, long now, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new DnsEndPoint(target.IdnHost, target.Port), cancellationToken).ConfigureAwait(false);
            return new PipelinedConnection(target, socket, now);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Appends one POST of <paramref name="body"/> to <paramref name="output"/> (header length -1: a JSON body).</summary>
    public static void WriteRequest(IBufferWriter<byte> output, Uri target, ReadOnlySpan<byte> body, long headerLength)
    {
        var head = new StringBuilder(160)
            .Append("POST ").Append(target.GetComponents(UriComponents.PathAndQuery, UriFormat.UriEscaped)).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(target.GetComponents(UriComponents.HostAndPort, UriFormat.UriEscaped)).Append("\r\n")
            .Append("Content-Type: ").Append(headerLength >= 0 ? Inference.BinaryDataExtension.ContentType : "application/json").Append("\r\n")
            .Append("Content-Length: ").Append(body.Length).Append("\r\n");
        if (headerLength >= 0)
        {
            head.Append(Inference.BinaryDataExtension.HeaderName).Append(": ").Append(headerLength).Append("\r\n");
        }

        head.Append("\r\n");
        var written = Encoding.ASCII.GetBytes(head.ToString(), output.GetSpan(head.Length));
        output.Advance(written);
        body.CopyTo(output.GetSpan(body.Length));
        output.Advance(body.Length);
    }

    /// <summary>Writes a batch of requests (from <see cref="WriteRequest"/>) in one write.</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> requests, CancellationToken cancellationToken)
    {
        try
        {
            await _stream.WriteAsync(requests, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            throw Broken("the connection to the candidate broke while sending", ex);
        }
    }

    /// <summary>
    /// Reads the next answer in order: its status, its <c>Inference-Header-Content-Length</c> values, and its body (valid
    /// until the next read). A body longer than <paramref name="limit"/> is not kept: it is skipped when its length is
    /// declared and within <paramref name="skipLimit"/> (the connection stays in step), else the connection is broken.
    /// </summary>
    public async Task<PipelinedAnswer> ReadAnswerAsync(int limit, long skipLimit, CancellationToken cancellationToken)
    {
        try
        {
            var headEnd = await FillUntilHeadEndAsync(cancellationToken).ConfigureAwait(false);
            var head = _in.AsSpan(_start, headEnd - _start);
            _start = headEnd + 4;
            var (status, contentLength, chunked, close, headerLength) = ParseHead(head);
            if (status < 200)
            {
                throw Broken($"the candidate answered {status}, an interim status this client never asks for");
            }

            _closeAfterAnswer = close;
            int? length;
            if (status is 204 or 304)
            {
                // No body by definition, whatever the headers say.
                length = 0;
            }
            else if (chunked)
            {
                length = await ReadChunkedAsync(limit, cancellationToken).ConfigureAwait(false);
            }
            else if (contentLength is { } declared)
            {
                length = await ReadFixedAsync(declared, limit, skipLimit, cancellationToken).ConfigureAwait(false);
            }
            else if (close)
            {
                // No framing: the body runs to the end of the connection.
                length = await ReadToEndAsync(limit, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                throw Broken("the candidate's answer has neither Content-Length nor chunked framing");
            }

            if (close)
            {
                Usable = false;
            }

            // Typed: a bare null would become an empty body through byte[]'s conversion to memory.
            return new PipelinedAnswer(status, headerLength, length is { } n ? (ReadOnlyMemory<byte>?)_body.AsMemory(0, n) : null);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            throw Broken("the connection to the candidate broke while reading an answer", ex);
        }
    }

    /// <summary>Whether the last answer said the candidate closes the connection after it.</summary>
    public bool Closing => _closeAfterAnswer;

    public void Dispose()
    {
        if (_in.Length == 0)
        {
            return;
        }

        Usable = false;
        _stream.Dispose();
        ArrayPool<byte>.Shared.Return(_in);
        ArrayPool<byte>.Shared.Return(_body);
        (_in, _body) = ([], []);
    }

    /// <summary>Whether a comma-separated header value has <paramref name="token"/> (ASCII case ignored).</summary>
    private static bool HasToken(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
    {
        foreach (var range in value.Split((byte)','))
        {
            if (Ascii.EqualsIgnoreCase(value[range].Trim((byte)' '), token))
            {
                return true;
            }
        }

        return false;
    }

    private PipelineBrokenException Broken(string why, Exception? inner = null)
    {
        Usable = false;
        return new PipelineBrokenException(why, inner);
    }

    /// <summary>Reads until the buffer holds a whole status line and headers; the index of their closing CRLFCRLF.</summary>
    private async ValueTask<int> FillUntilHeadEndAsync(CancellationToken cancellationToken)
    {
        var searched = _start;
        while (true)
        {
            var found = _in.AsSpan(searched, _end - searched).IndexOf("\r\n\r\n"u8);
            if (found >= 0)
            {
                return searched + found;
            }

            searched = Math.Max(_start, _end - 3);
            if (_end - _start >= MaxHeaderBytes)
            {
                throw Broken($"the candidate's answer headers are larger than {MaxHeaderBytes} bytes");
            }

            var before = _start;
            await FillAsync(cancellationToken).ConfigureAwait(false);
            searched -= before - _start; // FillAsync may move the unread bytes to the buffer's start
        }
    }

    /// <summary>Reads more bytes after the unread ones (moved to the front first); a closed connection breaks the pipeline.</summary>
    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            _in.AsSpan(_start, _end - _start).CopyTo(_in);
            (_end, _start) = (_end - _start, 0);
        }

        if (_end == _in.Length)
        {
            var grown = ArrayPool<byte>.Shared.Rent(_in.Length * 2);
            _in.AsSpan(0, _end).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(_in);
            _in = grown;
        }

        var read = await _stream.ReadAsync(_in.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            throw Broken("the candidate closed the connection before answering every copy sent on it");
        }

        _end += read;
    }

    private (int Status, long? ContentLength, bool Chunked, bool Close, string? HeaderLength) ParseHead(ReadOnlySpan<byte> head)
    {
        var lineEnd = head.IndexOf("\r\n"u8);
        var statusLine = lineEnd < 0 ? head : head[..lineEnd];
        // "HTTP/1.1 200 OK": HTTP/1.x, a space, three digits.
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || statusLine[8] != (byte)' '
            || !Utf8Parser.TryParse(statusLine.Slice(9, 3), out int status, out var used) || used != 3)
        {
            throw Broken("the candidate's answer does not start with an HTTP/1.1 status line");
        }

        long? contentLength = null;
        var (chunked, close) = (false, statusLine[7] == (byte)'0');
        string? headerLength = null;
        var rest = lineEnd < 0 ? [] : head[(lineEnd + 2)..];
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf("\r\n"u8);
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                throw Broken("the candidate's answer has a header line without a name");
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ').Trim((byte)'\t');
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (contentLength is not null || !Utf8Parser.TryParse(value, out long declared, out var consumed) || consumed != value.Length || declared < 0)
                {
                    throw Broken("the candidate's answer has a Content-Length that is not one integer >= 0");
                }

                contentLength = declared;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                // Only chunked is ever sent by a server that answers HTTP/1.1; anything else cannot be framed.
                chunked = Ascii.EqualsIgnoreCase(value, "chunked"u8) ? true : throw Broken("the candidate's answer has a Transfer-Encoding other than chunked");
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                close |= HasToken(value, "close"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, HeaderLengthName))
            {
                headerLength = headerLength is null ? Encoding.ASCII.GetString(value) : headerLength + "," + Encoding.ASCII.GetString(value);
            }
        }

        return (status, chunked ? null : contentLength, chunked, close, headerLength);
    }

    /// <summary>A body of <paramref name="declared"/> bytes: kept when within the limit, else skipped (or the connection broken).</summary>
    private async ValueTask<int?> ReadFixedAsync(long declared, int limit, long skipLimit, CancellationToken cancellationToken)
    {
        if (declared > limit)
        {
            if (declared > skipLimit)
            {
                throw Broken($"the candidate's answer of {declared} bytes is too large to read past");
            }

            await SkipAsync(declared, cancellationToken).ConfigureAwait(false);
            return null;
        }

        var length = (int)declared;
        EnsureBody(length);
        await CopyOutAsync(_body.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        return length;
    }

    /// <summary>A chunked body, kept up to <paramref name="limit"/>; one longer breaks the connection (its end is unknown).</summary>
    private async ValueTask<int?> ReadChunkedAsync(int limit, CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            var semicolon = line.Span.IndexOf((byte)';');
            var hex = (semicolon >= 0 ? line.Span[..semicolon] : line.Span).Trim((byte)' ');
            if (!Utf8Parser.TryParse(hex, out long size, out var used, 'x') || used != hex.Length || size < 0)
            {
                throw Broken("the candidate's chunked answer has a chunk size that is not a hexadecimal number");
            }

            _start += line.Length + 2;
            if (size == 0)
            {
                // Trailers, if any, up to the empty line that ends the answer.
                while (true)
                {
                    var trailer = (await ReadLineAsync(cancellationToken).ConfigureAwait(false)).Length;
                    _start += trailer + 2;
                    if (trailer == 0)
                    {
                        return length;
                    }
                }
            }

            // Compared as size > limit - length: a hostile size near long.MaxValue must not wrap the sum below the limit.
            if (size > limit - length)
            {
                throw Broken($"the candidate's chunked answer is larger than {limit} bytes");
            }

            EnsureBody(length + (int)size);
            await CopyOutAsync(_body.AsMemory(length, (int)size), cancellationToken).ConfigureAwait(false);
            length += (int)size;
            var crlf = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (crlf.Length != 0)
            {
                throw Broken("the candidate's chunked answer has a chunk longer than its size");
            }

            _start += 2;
        }
    }

    private async ValueTask<int?> ReadToEndAsync(int limit, CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            var unread = _end - _start;
            if (length + unread > limit)
            {
                throw Broken($"the candidate's answer is larger than {limit} bytes");
            }

            EnsureBody(length + unread);
            _in.AsSpan(_start, unread).CopyTo(_body.AsSpan(length));
            (length, _start, _end) = (length + unread, 0, 0);
            var read = await _stream.ReadAsync(_in, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return length;
            }

            _end = read;
        }
    }

    /// <summary>The next line's bytes before its CRLF, reading until it is whole (the line stays unread: the caller advances).</summary>
    private async ValueTask<ReadOnlyMemory<byte>> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var found = _in.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
            if (found >= 0)
            {
                return _in.AsMemory(_start, found);
            }

            if (_end - _start > 1024)
            {
                throw Broken("the candidate's chunked answer has a line longer than 1024 bytes");
            }

            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Fills <paramref name="destination"/> from the buffered bytes, then from the connection.</summary>
    private async ValueTask CopyOutAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        var buffered = Math.Min(destination.Length, _end - _start);
        _in.AsSpan(_start, buffered).CopyTo(destination.Span);
        _start += buffered;
        if (buffered < destination.Length)
        {
            await _stream.ReadExactlyAsync(destination[buffered..], cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask SkipAsync(long count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (_start == _end)
            {
                await FillAsync(cancellationToken).ConfigureAwait(false);
            }

            var taken = (int)Math.Min(count, _end - _start);
            _start += taken;
            count -= taken;
        }
    }

    private void EnsureBody(int length)
    {
        if (_body.Length >= length)
        {
            return;
        }

        var grown = ArrayPool<byte>.Shared.Rent(Math.Max(length, _body.Length * 2));
        _body.AsSpan().CopyTo(grown);
        ArrayPool<byte>.Shared.Return(_body);
        _body = grown;
    }
}

/// <summary>One answer read off a pipelined connection: its status, its binary data extension header (raw), its body (null when skipped as too large).</summary>
internal readonly record struct PipelinedAnswer(int Status, string? HeaderLength, ReadOnlyMemory<byte>? Body);

/// <summary>A pipelined connection can no longer be trusted to pair answers with copies: it is closed and the copies in flight fail.</summary>
internal sealed class PipelineBrokenException(string message, Exception? inner = null) : Exception(message, inner);
