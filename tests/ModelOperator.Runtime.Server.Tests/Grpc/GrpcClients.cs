using Grpc.Net.Client;
using ModelOperator.Runtime.Server.Grpc.Protocol;

namespace ModelOperator.Runtime.Server.Tests.Grpc;

/// <summary>The generated .NET gRPC client over a real HTTP/2 cleartext connection to a test server's gRPC port.</summary>
internal sealed class GrpcClients : IDisposable
{
    private readonly GrpcChannel _channel;

    public GrpcClients(ServerFixture server, int maxReceiveBytes = 64 << 20)
    {
        _channel = GrpcChannel.ForAddress(server.GrpcAddress, new GrpcChannelOptions
        {
            MaxSendMessageSize = null, // the server, not the client, must refuse what is too large
            MaxReceiveMessageSize = maxReceiveBytes,
        });
        Inference = new GRPCInferenceService.GRPCInferenceServiceClient(_channel);
        Health = new global::Grpc.Health.V1.Health.HealthClient(_channel);
    }

    public GRPCInferenceService.GRPCInferenceServiceClient Inference { get; }

    public global::Grpc.Health.V1.Health.HealthClient Health { get; }

    /// <summary>A typed-contents request for an FP32 input.</summary>
    public static ModelInferRequest Typed(string model, string input, long[] shape, IEnumerable<float> data, string? version = null)
    {
        var tensor = new ModelInferRequest.Types.InferInputTensor { Name = input, Datatype = "FP32", Contents = new InferTensorContents() };
        tensor.Shape.AddRange(shape);
        tensor.Contents.Fp32Contents.AddRange(data);
        var request = new ModelInferRequest { ModelName = model, ModelVersion = version ?? string.Empty };
        request.Inputs.Add(tensor);
        return request;
    }

    /// <summary>The same request with its data in raw_input_contents (little-endian FP32).</summary>
    public static ModelInferRequest Raw(string model, string input, long[] shape, IEnumerable<float> data)
    {
        var tensor = new ModelInferRequest.Types.InferInputTensor { Name = input, Datatype = "FP32" };
        tensor.Shape.AddRange(shape);
        var request = new ModelInferRequest { ModelName = model };
        request.Inputs.Add(tensor);
        request.RawInputContents.Add(Google.Protobuf.ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.ToArray().AsSpan())));
        return request;
    }

    public static float[] RawFloats(Google.Protobuf.ByteString bytes) =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes.Span).ToArray();

    public void Dispose() => _channel.Dispose();
}
