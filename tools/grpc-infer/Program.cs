using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using ModelOperator.Runtime.Server.Grpc.Protocol;

// grpc-infer: one ModelInfer call over the Open Inference Protocol's gRPC service, FP32 input in typed contents.
//   grpc-infer ADDRESS MODEL INPUT SHAPE VALUES    e.g. grpc-infer http://127.0.0.1:8081 churn features 1,8 35,28.72,5,1,5,14,0,4
// Prints each output's name, datatype, shape and values; a refused call prints its status code and message (exit 1).
const string Usage = "usage: grpc-infer ADDRESS MODEL INPUT SHAPE VALUES  (e.g. grpc-infer http://127.0.0.1:8081 churn features 1,8 35,28.72,5,1,5,14,0,4)";
if (args.Length != 5 || !Uri.TryCreate(args[0], UriKind.Absolute, out var address) || address.Scheme != "http")
{
    Console.Error.WriteLine(Usage + "; ADDRESS is http://host:port (HTTP/2 without TLS)");
    return 2;
}

if (!TryParse<long>(args[3], s => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null, out var shape)
    || !TryParse<float>(args[4], s => float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null, out var values))
{
    Console.Error.WriteLine(Usage + "; SHAPE is comma-separated non-negative integers, VALUES comma-separated numbers");
    return 2;
}

var tensor = new ModelInferRequest.Types.InferInputTensor { Name = args[2], Datatype = "FP32", Contents = new InferTensorContents() };
tensor.Shape.AddRange(shape);
tensor.Contents.Fp32Contents.AddRange(values);
var request = new ModelInferRequest { ModelName = args[1] };
request.Inputs.Add(tensor);

using var channel = GrpcChannel.ForAddress(address);
var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
try
{
    var response = await client.ModelInferAsync(request, deadline: DateTime.UtcNow.AddSeconds(30));
    Console.WriteLine($"model {response.ModelName} version {response.ModelVersion}");
    foreach (var output in response.Outputs)
    {
        var data = output.Contents?.Fp32Contents.Select(v => v.ToString("R", CultureInfo.InvariantCulture)) ?? [];
        Console.WriteLine($"{output.Name} {output.Datatype} [{string.Join(",", output.Shape)}]: {string.Join(" ", data)}");
    }

    return 0;
}
catch (RpcException e)
{
    Console.Error.WriteLine($"grpc-infer: {e.StatusCode}: {e.Status.Detail}");
    return 1;
}

static bool TryParse<T>(string text, Func<string, T?> parse, out T[] parsed)
    where T : struct
{
    var parts = text.Split(',', StringSplitOptions.TrimEntries);
    parsed = new T[parts.Length];
    for (var i = 0; i < parts.Length; i++)
    {
        if (parse(parts[i]) is not { } value)
        {
            return false;
        }

        parsed[i] = value;
    }

    return parts.Length > 0;
}
