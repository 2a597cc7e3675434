using System.Net.Sockets;
using System.Text;

namespace ModelOperator.Runtime.Server.Tests;

/// <summary>One HTTP/1.1 answer read off a raw socket: status, headers and body.</summary>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;
}

/// <summary>
/// Sends bytes the way a hostile or broken client would (bad chunk sizes, garbage request lines,
/// several requests in one write) and reads the answers with a deadline, so that a hang is a
/// failure rather than a stuck test.
/// </summary>
public static class RawHttp
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    /// <summary>Sends <paramref name="request"/> and reads up to <paramref name="count"/> answers (fewer if the server closes).</summary>
    public static async Task<IReadOnlyList<RawResponse>> SendAsync(Uri server, byte[] request, int count = 1, bool head = false)
    {
        using var cts = new CancellationTokenSource(Deadline);
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, cts.Token);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(request, cts.Token);
        }
        catch (IOException)
        {
            // The server may answer and close before it has read everything; read what it said.
        }

        var answers = new List<RawResponse>();
        var buffer = new List<byte>();
        var chunk = new byte[8192];
        while (answers.Count < count)
        {
            if (TryTake(buffer, head, out var response))
            {
                answers.Add(response);
                continue;
            }

            int read;
            try
            {
                read = await stream.ReadAsync(chunk, cts.Token);
            }
            catch (IOException)
            {
                read = 0;
            }

            if (read == 0)
            {
                break;
            }

            buffer.AddRange(chunk.AsSpan(0, read));
        }

        return answers;
    }

    public static Task<IReadOnlyList<RawResponse>> SendAsync(Uri server, string request, int count = 1, bool head = false) =>
        SendAsync(server, Encoding.Latin1.GetBytes(request), count, head);

    // Takes one complete response (Content-Length or chunked body) off the front of the buffer.
    private static bool TryTake(List<byte> buffer, bool head, out RawResponse response)
    {
        response = null!;
        var bytes = buffer.ToArray();
        var end = IndexOf(bytes, "\r\n\r\n"u8, 0);
        if (end < 0)
        {
            return false;
        }

        var lines = Encoding.Latin1.GetString(bytes, 0, end).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
        }

        var start = end + 4;
        byte[] body;
        int consumed;
        if (head || status is 204 or 304 || status < 200)
        {
            body = [];
            consumed = start;
        }
        else if (headers.TryGetValue("content-length", out var length))
        {
            var n = int.Parse(length, System.Globalization.CultureInfo.InvariantCulture);
            if (bytes.Length - start < n)
            {
                return false;
            }

            body = bytes[start..(start + n)];
            consumed = start + n;
        }
        else if (headers.TryGetValue("transfer-encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            var decoded = new List<byte>();
            var at = start;
            while (true)
            {
                var lineEnd = IndexOf(bytes, "\r\n"u8, at);
                if (lineEnd < 0)
                {
                    return false;
                }

                var size = Convert.ToInt32(Encoding.Latin1.GetString(bytes, at, lineEnd - at).Split(';')[0], 16);
                if (bytes.Length < lineEnd + 2 + size + 2)
                {
                    return false;
                }

                decoded.AddRange(bytes.AsSpan(lineEnd + 2, size));
                at = lineEnd + 2 + size + 2;
                if (size == 0)
                {
                    break;
                }
            }

            body = [.. decoded];
            consumed = at;
        }
        else
        {
            return false; // read to close: not an answer this server gives
        }

        buffer.RemoveRange(0, consumed);
        response = new RawResponse(status, headers, Encoding.UTF8.GetString(body));
        return true;
    }

    private static int IndexOf(byte[] bytes, ReadOnlySpan<byte> needle, int from)
    {
        var i = bytes.AsSpan(from).IndexOf(needle);
        return i < 0 ? -1 : i + from;
    }
}
