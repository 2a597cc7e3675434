using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using ModelOperator.Runtime.Server.Grpc;
using ModelOperator.Runtime.Server.Grpc.Protocol;

namespace ModelOperator.Runtime.Server.Tests.Grpc;

/// <summary>
/// ModelInfer's fast path ahead of Grpc.AspNetCore: it answers plain calls itself, exactly as the framework would, and
/// hands every other call to the framework with the body unread. Driven directly (to see which calls it takes) and
/// over HTTP/2 with the generated client and with hand-framed bodies.
/// </summary>
public sealed class GrpcFastPathTests(GrpcFastPathTests.Server fixture) : IClassFixture<GrpcFastPathTests.Server>
{
    public sealed class Server : IAsyncLifetime
    {
        internal ServerFixture Fixture { get; private set; } = null!;

        internal GrpcClients Clients { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Fixture = await ServerFixture.StartAsync(o => o with { MaxRequestBodyBytes = 64 << 10 });
            Clients = new GrpcClients(Fixture);
        }

        public async Task DisposeAsync()
        {
            Clients.Dispose();
            await Fixture.DisposeAsync();
        }
    }

    private static ModelInferRequest Good() => GrpcClients.Typed("churn", "features", [1, 8], [35, 28.72f, 5, 1, 5, 14, 0, 4]);

    private static byte[] Framed(IMessage message, byte flag = 0)
    {
        var bytes = message.ToByteArray();
        var framed = new byte[5 + bytes.Length];
        framed[0] = flag;
        BinaryPrimitives.WriteInt32BigEndian(framed.AsSpan(1), bytes.Length);
        bytes.CopyTo(framed, 5);
        return framed;
    }

    public static TheoryData<string> LeftToTheFramework() =>
    [
        "compressed flag", "declared length over the limit", "two messages", "prefix cut short", "message cut short",
        "message that does not parse", "grpc-timeout", "grpc-encoding gzip", "content type with parameters", "other casing",
        "GET",
    ];

    [Theory]
    [MemberData(nameof(LeftToTheFramework))]
    public async Task A_call_that_is_not_plain_reaches_the_framework_with_its_body_unread(string name)
    {
        // Given a call the fast path must not answer
        var body = Framed(Good());
        byte[] sent = name switch
        {
            "compressed flag" => Framed(Good(), flag: 1),
            "declared length over the limit" => [0, 0, 2, 0, 0, .. new byte[16]],
            "two messages" => [.. body, .. body],
            "prefix cut short" => body[..3],
            "message cut short" => body[..^2],
            "message that does not parse" => [0, 0, 0, 0, 3, 0xFF, 0xFF, 0xFF],
            _ => body,
        };
        var context = Context(sent);
        switch (name)
        {
            case "grpc-timeout": context.Request.Headers["grpc-timeout"] = "5S"; break;
            case "grpc-encoding gzip": context.Request.Headers["grpc-encoding"] = "gzip"; break;
            case "content type with parameters": context.Request.ContentType = "application/grpc; charset=utf-8"; break;
            case "other casing": context.Request.Path = ModelInferFastPath.Method.ToUpperInvariant(); break;
            case "GET": context.Request.Method = "GET"; break;
        }

        // When the fast path sees it
        byte[]? seen = null;
        await FastPath.InvokeAsync(context, async c => seen = await ReadAllAsync(c.Request.BodyReader));

        // Then the framework gets every byte and nothing was answered
        Assert.Equal(sent, seen);
        Assert.Null(context.Response.Headers["grpc-status"].FirstOrDefault());
        Assert.Equal(0, context.Response.Body.Length);
    }

    [Fact]
    public async Task A_plain_call_is_answered_without_the_framework()
    {
        var context = Context(Framed(Good()));
        var trailers = new TrailersFeature();
        context.Features.Set<IHttpResponseTrailersFeature>(trailers);

        var reachedFramework = false;
        await FastPath.InvokeAsync(context, _ =>
        {
            reachedFramework = true;
            return Task.CompletedTask;
        });

        Assert.False(reachedFramework);
        Assert.Equal("application/grpc", context.Response.ContentType);
        Assert.Equal("0", trailers.Trailers["grpc-status"].ToString());
        var answer = ((MemoryStream)context.Response.Body).ToArray();
        Assert.Equal(0, answer[0]);
        Assert.Equal(answer.Length - 5, BinaryPrimitives.ReadInt32BigEndian(answer.AsSpan(1)));
        var response = ModelInferResponse.Parser.ParseFrom(answer.AsSpan(5));
        Assert.Equal("churn_probability", Assert.Single(response.Outputs).Name);
    }

    [Fact]
    public async Task A_body_the_transport_refuses_is_answered_unknown_as_the_framework_answers_a_failed_read()
    {
        // Given a call whose body cannot be read (the fast path runs ahead of the REST error middleware)
        var context = Context([]);
        context.Request.Body = new FailingStream();

        // When the fast path sees it
        var reachedFramework = false;
        await FastPath.InvokeAsync(context, _ =>
        {
            reachedFramework = true;
            return Task.CompletedTask;
        });

        // Then it answers trailers-only with UNKNOWN, as Grpc.AspNetCore does without detailed errors, and nothing else
        Assert.False(reachedFramework);
        Assert.Equal("application/grpc", context.Response.ContentType);
        Assert.Equal("2", context.Response.Headers["grpc-status"].ToString());
        Assert.Equal("Exception was thrown by handler.", context.Response.Headers["grpc-message"].ToString());
        Assert.Equal(0, context.Response.Body.Length);
    }

    public static TheoryData<string> Calls() =>
    [
        "good typed", "good raw", "unknown model with non-ASCII and percent", "unknown version", "wrong input name",
        "wrong datatype", "shape and data disagree", "no inputs",
    ];

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task The_fast_path_answers_a_call_as_the_framework_does(string name)
    {
        // Given a call; a deadline sends the same call through Grpc.AspNetCore instead
        var request = name switch
        {
            "good typed" => Good(),
            "good raw" => GrpcClients.Raw("churn", "features", [1, 8], new float[8]),
            "unknown model with non-ASCII and percent" => GrpcClients.Typed("modèle-100%", "features", [1, 8], new float[8]),
            "unknown version" => GrpcClients.Typed("churn", "features", [1, 8], new float[8], version: "7"),
            "wrong input name" => GrpcClients.Typed("churn", "feature", [1, 8], new float[8]),
            "wrong datatype" => WithDatatype(Good(), "FP64"),
            "shape and data disagree" => GrpcClients.Typed("churn", "features", [1, 8], new float[7]),
            _ => new ModelInferRequest { ModelName = "churn" },
        };

        // When it is sent both ways
        var fast = await OutcomeAsync(fixture.Clients.Inference.ModelInferAsync(request));
        var framework = await OutcomeAsync(fixture.Clients.Inference.ModelInferAsync(request, deadline: DateTime.UtcNow.AddMinutes(5)));

        // Then status, message, metadata and answer are the same
        Assert.Equal(framework, fast);
    }

    [Fact]
    public async Task An_error_is_answered_trailers_only_with_a_percent_encoded_message()
    {
        using var client = WireClient();
        using var response = await client.SendAsync(WireRequest(Framed(GrpcClients.Typed("modèle-100%", "features", [1, 8], new float[8]))));
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Empty(body);
        Assert.Equal("5", Assert.Single(response.Headers.GetValues("grpc-status")));
        var message = Assert.Single(response.Headers.GetValues("grpc-message"));
        Assert.Contains("mod%C3%A8le-100%25", message, StringComparison.Ordinal);
        Assert.DoesNotContain("è", message, StringComparison.Ordinal);
        Assert.Empty(response.TrailingHeaders);
    }

    [Theory]
    [InlineData("compressed flag", "13")] // INTERNAL: gRPC's answer to a compressed flag without grpc-encoding
    [InlineData("declared length over the limit", "8")]
    public async Task Over_HTTP2_a_call_left_to_the_framework_gets_its_status_and_the_next_plain_call_works(string name, string status)
    {
        using var client = WireClient();
        byte[] body = name == "compressed flag" ? Framed(Good(), flag: 1) : [0, 0, 2, 0, 0, .. new byte[64]];

        using var refused = await client.SendAsync(WireRequest(body));
        await refused.Content.ReadAsByteArrayAsync();

        Assert.Equal(status, GrpcStatus(refused));
        var good = await fixture.Clients.Inference.ModelInferAsync(Good());
        Assert.Equal("churn_probability", Assert.Single(good.Outputs).Name);
    }

    private ModelInferFastPath FastPath => fixture.Fixture.Services.GetRequiredService<ModelInferFastPath>();

    private static ModelInferRequest WithDatatype(ModelInferRequest request, string datatype)
    {
        request.Inputs[0].Datatype = datatype;
        return request;
    }

    private static DefaultHttpContext Context(byte[] body)
    {
        var context = new DefaultHttpContext();
        context.Request.Protocol = "HTTP/2";
        context.Request.Method = "POST";
        context.Request.Path = ModelInferFastPath.Method;
        context.Request.ContentType = "application/grpc";
        context.Request.Body = new MemoryStream(body);
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static async Task<byte[]> ReadAllAsync(PipeReader reader)
    {
        while (true)
        {
            var read = await reader.ReadAsync();
            if (read.IsCompleted)
            {
                var bytes = read.Buffer.ToArray();
                reader.AdvanceTo(read.Buffer.End);
                return bytes;
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    // Kestrel's date header may tick between the two calls; a trailers-only answer shows it among the metadata.
    private static string MetadataText(Metadata metadata) => string.Join(",", metadata.Where(e => e.Key != "date").Select(e => e.Key + "=" + e.Value));

    private static async Task<string> OutcomeAsync(AsyncUnaryCall<ModelInferResponse> call)
    {
        using (call)
        {
            try
            {
                var response = await call.ResponseAsync;
                return $"OK {response} trailers {MetadataText(call.GetTrailers())}";
            }
            catch (RpcException ex)
            {
                return $"{ex.StatusCode} {ex.Status.Detail} trailers {MetadataText(ex.Trailers)}";
            }
        }
    }

    private HttpClient WireClient() => new(new SocketsHttpHandler { UseProxy = false })
    {
        BaseAddress = fixture.Fixture.GrpcAddress,
        DefaultRequestVersion = System.Net.HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(30),
    };

    private static HttpRequestMessage WireRequest(byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, ModelInferFastPath.Method)
        {
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        request.Headers.TE.Add(new System.Net.Http.Headers.TransferCodingWithQualityHeaderValue("trailers"));
        return request;
    }

    // Trailers-only answers carry the status in the headers, others in the trailers.
    private static string? GrpcStatus(HttpResponseMessage response) =>
        response.TrailingHeaders.TryGetValues("grpc-status", out var values) || response.Headers.TryGetValues("grpc-status", out values)
            ? values.Single()
            : null;

    // A request body whose transport failed, as Kestrel reports a malformed or cut body.
    private sealed class FailingStream : MemoryStream
    {
        public override int Read(byte[] buffer, int offset, int count) => throw new IOException("the body was cut short");

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException<int>(new IOException("the body was cut short"));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromException<int>(new IOException("the body was cut short"));
    }

    private sealed class TrailersFeature : IHttpResponseTrailersFeature
    {
        public IHeaderDictionary Trailers { get; set; } = new HeaderDictionary();
    }
}
