using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;
using ModelOperator.Runtime.Server.Shadow;
using ModelOperator.Testing;

namespace ModelOperator.Runtime.Server.Tests.Shadow;

/// <summary>The mirror's pipelined HTTP/1.1 client against a real Kestrel candidate: order, framing, and every way it goes wrong.</summary>
public sealed class PipelinedConnectionTests
{
    private const int Limit = 1024;

    /// <summary>A candidate that answers each request with <paramref name="answer"/>, given the request's body as text.</summary>
    private static Task<FileOrigin> CandidateAsync(Func<HttpContext, string, Task> answer) =>
        FileOrigin.StartAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            await answer(context, await reader.ReadToEndAsync());
        });

    /// <summary>Opens a connection to <paramref name="candidate"/> and writes one request per body, all in one write.</summary>
    private static async Task<PipelinedConnection> SendAsync(FileOrigin candidate, params string[] bodies)
    {
        var target = new Uri(candidate.Url("/v2/models/churn/infer"));
        var connection = await PipelinedConnection.OpenAsync(target, 0, CancellationToken.None);
        var requests = new ArrayBufferWriter<byte>();
        foreach (var body in bodies)
        {
            PipelinedConnection.WriteRequest(requests, target, Encoding.UTF8.GetBytes(body), headerLength: -1);
        }

        await connection.SendAsync(requests.WrittenMemory, CancellationToken.None);
        return connection;
    }

    private static async Task<(int Status, string? Body)> ReadAsync(PipelinedConnection connection, long skipLimit = Limit, CancellationToken cancellationToken = default)
    {
        var answer = await connection.ReadAnswerAsync(Limit, skipLimit, cancellationToken);
        return (answer.Status, answer.Body is { } body ? Encoding.UTF8.GetString(body.Span) : null);
    }

    [Fact]
    public async Task Requests_written_at_once_are_answered_in_order_content_length_and_chunked_alike()
    {
        // Given a candidate that echoes the body, in one write (Content-Length) or in pieces (chunked) by turns
        await using var candidate = await CandidateAsync(async (context, body) =>
        {
            if (int.Parse(body, System.Globalization.CultureInfo.InvariantCulture) % 2 == 0)
            {
                context.Response.ContentLength = body.Length;
                await context.Response.WriteAsync(body);
                return;
            }

            foreach (var piece in new[] { body, "-", body })
            {
                await context.Response.WriteAsync(piece);
                await context.Response.Body.FlushAsync();
            }
        });

        // When 8 requests go out in one write
        using var connection = await SendAsync(candidate, [.. Enumerable.Range(0, 8).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))]);

        // Then the 8 answers come back whole and in order
        for (var i = 0; i < 8; i++)
        {
            var expected = i % 2 == 0 ? $"{i}" : $"{i}-{i}";
            Assert.Equal((200, expected), await ReadAsync(connection));
        }

        Assert.True(connection.Usable);
    }

    [Fact]
    public async Task A_redirect_and_a_no_content_answer_are_read_as_their_status_and_the_next_answer_stays_in_step()
    {
        await using var candidate = await CandidateAsync(async (context, body) =>
        {
            if (body == "redirect")
            {
                context.Response.Redirect("/elsewhere");
                return;
            }

            if (body == "no content")
            {
                context.Response.StatusCode = 204;
                return;
            }

            await context.Response.WriteAsync(body);
        });

        using var connection = await SendAsync(candidate, "redirect", "no content", "after");

        Assert.Equal(302, (await ReadAsync(connection)).Status);
        Assert.Equal((204, string.Empty), await ReadAsync(connection));
        Assert.Equal((200, "after"), await ReadAsync(connection));
    }

    [Fact]
    public async Task An_oversized_answer_is_skipped_when_its_length_is_declared_and_breaks_the_connection_when_not()
    {
        // Given a candidate whose answer to "big" is 8 KiB, with a Content-Length or chunked
        var big = new string('x', 8 * 1024);
        await using var candidate = await CandidateAsync(async (context, body) =>
        {
            if (body == "big")
            {
                context.Response.ContentLength = big.Length;
            }

            await context.Response.WriteAsync(body.StartsWith("big", StringComparison.Ordinal) ? big : body);
        });

        // When its length is declared and within what may be skipped: no body kept, and the next answer is read
        using (var connection = await SendAsync(candidate, "big", "next"))
        {
            Assert.Equal((200, null), await ReadAsync(connection, skipLimit: 16 * 1024));
            Assert.Equal((200, "next"), await ReadAsync(connection));
        }

        // When it is declared and beyond what may be skipped, or chunked: the connection cannot stay in step
        using (var connection = await SendAsync(candidate, "big", "next"))
        {
            var error = await Assert.ThrowsAsync<PipelineBrokenException>(() => ReadAsync(connection, skipLimit: Limit));
            Assert.Contains("too large to read past", error.Message, StringComparison.Ordinal);
            Assert.False(connection.Usable);
        }

        using (var connection = await SendAsync(candidate, "big-chunked"))
        {
            var error = await Assert.ThrowsAsync<PipelineBrokenException>(() => ReadAsync(connection, skipLimit: 1 << 20));
            Assert.Contains($"larger than {Limit} bytes", error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("7FFFFFFFFFFFFFFF")] // long.MaxValue: added to the bytes already kept it would wrap below the limit
    [InlineData("7FFFFFFFFFFFFC00")]
    [InlineData("401")] // just over the limit
    public async Task A_hostile_chunk_size_breaks_the_connection_instead_of_being_read(string size)
    {
        // Given a candidate (a bare socket: Kestrel never sends such a thing) whose chunked answer has a first chunk of
        // 16 bytes, then one of the given size
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var serving = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            _ = await stream.ReadAsync(new byte[4096]); // the request, whole or not: the answer does not depend on it
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n{size}\r\nxx"));
            await stream.FlushAsync();
            await Task.Delay(TimeSpan.FromSeconds(30));
        });

        var target = new Uri($"http://127.0.0.1:{port}/v2/models/churn/infer");
        using var connection = await PipelinedConnection.OpenAsync(target, 0, CancellationToken.None);
        var request = new ArrayBufferWriter<byte>();
        PipelinedConnection.WriteRequest(request, target, "{}"u8, headerLength: -1);
        await connection.SendAsync(request.WrittenMemory, CancellationToken.None);

        // When its answer is read: the connection is given up, nothing is allocated for the claimed size
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var error = await Assert.ThrowsAsync<PipelineBrokenException>(() => ReadAsync(connection, cancellationToken: timeout.Token));
        Assert.Contains($"larger than {Limit} bytes", error.Message, StringComparison.Ordinal);
        Assert.False(connection.Usable);
        listener.Stop();
        _ = serving;
    }

    [Fact]
    public async Task A_candidate_that_says_it_closes_mid_batch_makes_the_connection_unusable_after_that_answer()
    {
        await using var candidate = await CandidateAsync(async (context, body) =>
        {
            if (body == "close")
            {
                context.Response.Headers.Connection = "close";
            }

            await context.Response.WriteAsync(body);
        });

        using var connection = await SendAsync(candidate, "one", "close", "three");

        Assert.Equal((200, "one"), await ReadAsync(connection));
        Assert.True(connection.Usable);
        Assert.Equal((200, "close"), await ReadAsync(connection));
        Assert.False(connection.Usable);
        await Assert.ThrowsAsync<PipelineBrokenException>(() => ReadAsync(connection));
    }

    [Fact]
    public async Task A_candidate_that_drops_the_connection_mid_batch_breaks_it_and_no_later_answer_is_read()
    {
        await using var candidate = await CandidateAsync(async (context, body) =>
        {
            if (body == "drop")
            {
                context.Abort();
                return;
            }

            await context.Response.WriteAsync(body);
        });

        using var connection = await SendAsync(candidate, "one", "drop", "three");

        // The reset may or may not overtake the first answer; it never lets a later one through.
        var read = new List<string?>();
        var error = await Record.ExceptionAsync(async () =>
        {
            for (var i = 0; i < 3; i++)
            {
                read.Add((await ReadAsync(connection)).Body);
            }
        });

        Assert.IsType<PipelineBrokenException>(error);
        Assert.InRange(read.Count, 0, 1);
        Assert.All(read, body => Assert.Equal("one", body));
        Assert.False(connection.Usable);
    }

    [Fact]
    public async Task A_candidate_that_never_answers_is_given_up_on_when_the_token_fires()
    {
        await using var candidate = await CandidateAsync((context, _) => Task.Delay(Timeout.Infinite, context.RequestAborted));
        using var connection = await SendAsync(candidate, "one");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ReadAsync(connection, cancellationToken: timeout.Token));
    }

    [Fact]
    public async Task The_request_carries_the_binary_extensions_header_length_and_content_type()
    {
        // Given a candidate that answers with what framed the request
        await using var candidate = await FileOrigin.StartAsync(context => context.Response.WriteAsync(
            $"{context.Request.ContentType}|{context.Request.Headers["Inference-Header-Content-Length"]}|{context.Request.ContentLength}|{context.Request.Host}"));
        var target = new Uri(candidate.Url("/v2/models/churn/infer"));
        using var connection = await PipelinedConnection.OpenAsync(target, 0, CancellationToken.None);
        var requests = new ArrayBufferWriter<byte>();
        PipelinedConnection.WriteRequest(requests, target, new byte[40], headerLength: 8);
        PipelinedConnection.WriteRequest(requests, target, new byte[3], headerLength: -1);

        await connection.SendAsync(requests.WrittenMemory, CancellationToken.None);

        Assert.Equal((200, $"application/octet-stream|8|40|{target.Authority}"), await ReadAsync(connection));
        Assert.Equal((200, $"application/json||3|{target.Authority}"), await ReadAsync(connection));
    }
}
