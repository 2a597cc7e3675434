using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using ModelOperator.Runtime.Server.Grpc.Protocol;

namespace ModelOperator.Benchmarks;

/// <summary>
/// The gRPC ceiling: the model server's generated GRPCInferenceService on Kestrel with nothing behind ModelInfer but
/// returning the first input as the output. HTTP/1.1 on one port answers /ready for the bench; gRPC is h2c on another.
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
        app.MapGet("/ready", () => "ok");
        app.MapGrpcService<Echo>();
        await app.RunAsync().ConfigureAwait(false);
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
