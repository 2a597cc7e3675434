using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using ModelOperator.Runtime.Server.Grpc.Protocol;

namespace ModelOperator.Runtime.Server.Tests.Grpc;

/// <summary>
/// Every datatype of the type examples (examples/models/integers and floats) through gRPC, raw and typed, checked
/// against the exact outputs ONNX Runtime computed for them; BYTES models are refused with a message that says so.
/// </summary>
public sealed class GrpcTensorTypeTests
{
    private static ModelInferRequest RawRequest(TypedCase @case)
    {
        var request = new ModelInferRequest { ModelName = @case.Model };
        foreach (var input in @case.Inputs)
        {
            var tensor = new ModelInferRequest.Types.InferInputTensor { Name = input.Name, Datatype = input.Datatype };
            tensor.Shape.AddRange(input.Shape);
            request.Inputs.Add(tensor);
            request.RawInputContents.Add(ByteString.CopyFrom(input.Bytes()));
        }

        return request;
    }

    // The typed field of each integer datatype, as the protocol assigns them (32-bit fields for the narrow types).
    private static InferTensorContents Typed(TypedTensor input)
    {
        var values = JsonDocument.Parse(input.Data).RootElement.EnumerateArray().ToList();
        var contents = new InferTensorContents();
        switch (input.Datatype)
        {
            case "BOOL": contents.BoolContents.AddRange(values.Select(v => v.GetBoolean())); break;
            case "UINT8" or "UINT16" or "UINT32": contents.UintContents.AddRange(values.Select(v => v.GetUInt32())); break;
            case "UINT64": contents.Uint64Contents.AddRange(values.Select(v => v.GetUInt64())); break;
            case "INT8" or "INT16" or "INT32": contents.IntContents.AddRange(values.Select(v => v.GetInt32())); break;
            case "INT64": contents.Int64Contents.AddRange(values.Select(v => v.GetInt64())); break;
            default: throw new ArgumentException(input.Datatype);
        }

        return contents;
    }

    private static void AssertOutputs(TypedCase @case, ModelInferResponse answer)
    {
        Assert.Equal(@case.Outputs.Count, answer.Outputs.Count);
        Assert.Equal(answer.Outputs.Count, answer.RawOutputContents.Count);
        for (var i = 0; i < answer.Outputs.Count; i++)
        {
            var expected = @case.Outputs.Single(o => o.Name == answer.Outputs[i].Name);
            Assert.Equal(expected.Datatype, answer.Outputs[i].Datatype);
            Assert.Equal(expected.Shape, answer.Outputs[i].Shape);
            Assert.True(expected.Bytes().SequenceEqual(answer.RawOutputContents[i].ToByteArray()), $"{@case.Model} output {expected.Name}");
        }
    }

    [Theory]
    [InlineData("integers")]
    [InlineData("floats")]
    public async Task Every_type_goes_through_raw_contents_and_comes_back_as_ONNX_Runtime_computed_it(string model)
    {
        await using var server = await ServerFixture.StartAsync(o => o with { ModelName = model, ModelUri = ServerFixture.ModelPath(model, 1) });
        using var grpc = new GrpcClients(server);
        var @case = TypedCase.Load(model);

        AssertOutputs(@case, await grpc.Inference.ModelInferAsync(RawRequest(@case)));
    }

    [Fact]
    public async Task Integer_types_go_through_typed_contents_and_come_back_typed()
    {
        await using var server = await ServerFixture.StartAsync(o => o with { ModelName = "integers", ModelUri = ServerFixture.ModelPath("integers", 1) });
        using var grpc = new GrpcClients(server);
        var @case = TypedCase.Load("integers");
        var request = RawRequest(@case);
        request.RawInputContents.Clear();
        foreach (var tensor in request.Inputs)
        {
            tensor.Contents = Typed(@case.Inputs.Single(i => i.Name == tensor.Name));
        }

        var answer = await grpc.Inference.ModelInferAsync(request);

        Assert.Empty(answer.RawOutputContents);
        foreach (var output in answer.Outputs)
        {
            var expected = @case.Outputs.Single(o => o.Name == output.Name);
            Assert.Equal(Typed(expected with { Data = expected.Data }).ToString(), output.Contents.ToString());
        }
    }

    [Fact]
    public async Task A_narrow_integer_out_of_range_and_a_half_float_sent_typed_are_refused_and_the_next_call_works()
    {
        await using var server = await ServerFixture.StartAsync(o => o with { ModelName = "integers", ModelUri = ServerFixture.ModelPath("integers", 1) });
        using var grpc = new GrpcClients(server);
        var @case = TypedCase.Load("integers");
        var request = RawRequest(@case);
        request.RawInputContents.Clear();
        foreach (var tensor in request.Inputs)
        {
            tensor.Contents = Typed(@case.Inputs.Single(i => i.Name == tensor.Name));
        }

        request.Inputs.Single(t => t.Name == "i8").Contents.IntContents[1] = 128;
        var e = await Assert.ThrowsAsync<RpcException>(() => grpc.Inference.ModelInferAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("input \"i8\": element 1 is 128, which is not a INT8; allowed: integers from -128 to 127", e.Status.Detail, StringComparison.Ordinal);

        AssertOutputs(@case, await grpc.Inference.ModelInferAsync(RawRequest(@case)));

        await using var floats = await ServerFixture.StartAsync(o => o with { ModelName = "floats", ModelUri = ServerFixture.ModelPath("floats", 1) });
        using var floatClient = new GrpcClients(floats);
        var half = RawRequest(TypedCase.Load("floats"));
        half.RawInputContents.Clear();
        var h = await Assert.ThrowsAsync<RpcException>(() => floatClient.Inference.ModelInferAsync(half).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, h.StatusCode);
        Assert.Contains("which has no typed contents field in the protocol; send it in raw_input_contents", h.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_with_string_tensors_is_refused_over_gRPC_with_what_to_use_instead()
    {
        await using var server = await ServerFixture.StartAsync(o => o with { ModelName = "strings", ModelUri = ServerFixture.ModelPath("strings", 1) });
        using var grpc = new GrpcClients(server);

        var e = await Assert.ThrowsAsync<RpcException>(() => grpc.Inference.ModelInferAsync(RawRequest(TypedCase.Load("strings"))).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("is BYTES, which this server answers over REST only", e.Status.Detail, StringComparison.Ordinal);
    }
}
