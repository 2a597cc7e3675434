using System.Buffers;
using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using ModelOperator.Runtime.Server.Grpc.Protocol;

namespace ModelOperator.Benchmarks;

/// <summary>
/// The gRPC ceiling: the model server's generated GRPCInferenceService on Kestrel with nothing behind ModelInfer but
/// returning the first input as the output. HTTP/1.1 on one port answers /ready for the bench; gRPC is h2c on another.
/// The same h2c port also answers <see cref="RawMethod"/> without Grpc.AspNetCore: a middleware ahead of routing that
/// reads the length-prefixed message and writes it back with a <c>grpc-status</c> trailer. The two echoes side by side
/// split a gRPC call's server CPU into Kestrel's HTTP/2 and the gRPC framework's per-call pipeline.
/// </summary>
internal static class GrpcEchoServer
{
    public static async Task RunAsync(int port, int grpcPort)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, port);
            k.Listen(IPAddress.Loopback, grpcPort, l => l.Protocols = HttpProtocols.Http2);
        });
        var app = builder.Build();
        app.Use((context, next) => context.Request.Path == RawMethod ? RawEchoAsync(context) : next(context));
        // Routing only after the raw echo, so that it pays for Kestrel alone.
        app.UseRouting();
        app.MapGet("/ready", () => "ok");
        app.MapGrpcService<Echo>();
        await app.RunAsync().ConfigureAwait(false);
    }

    /// <summary>The path of the echo that bypasses Grpc.AspNetCore (and routing).</summary>
    public const string RawMethod = "/raw.Echo/ModelInfer";

    // The request's framed message (5-byte prefix and all) is the answer: a unary call has one message.
    private static async Task RawEchoAsync(HttpContext context)
    {
        var reader = context.Request.BodyReader;
        var read = await reader.ReadAsync().ConfigureAwait(false);
        while (!read.IsCompleted)
        {
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            read = await reader.ReadAsync().ConfigureAwait(false);
        }

        context.Response.ContentType = "application/grpc";
        foreach (var segment in read.Buffer)
        {
            context.Response.BodyWriter.Write(segment.Span);
        }

        reader.AdvanceTo(read.Buffer.End);
        context.Response.AppendTrailer("grpc-status", "0");
        await context.Response.BodyWriter.FlushAsync().ConfigureAwait(false);
    }

    private sealed class Echo : GRPCInferenceService.GRPCInferenceServiceBase
    {
        public override Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
        {
            var input = request.Inputs[0];
            var output = new ModelInferResponse.Types.InferOutputTensor { Name = input.Name, Datatype = input.Datatype, Contents = input.Contents };
            output.Shape.AddRange(input.Shape);
            var response = new ModelInferResponse { ModelName = request.ModelName, Id = request.Id };
            response.Outputs.Add(output);
            return Task.FromResult(response);
        }
    }
}
