using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using ModelOperator.Runtime.Server.Grpc.Protocol;

namespace ModelOperator.Runtime.Server.Tests.Grpc;

/// <summary>
/// Every datatype of the type examples (examples/models/integers and floats) through gRPC, raw and typed, checked
/// against the exact outputs ONNX Runtime computed for them, BYTES (examples/models/strings) included.
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
            case "BYTES": contents.BytesContents.AddRange(values.Select(v => ByteString.CopyFromUtf8(v.GetString()))); break;
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
    [InlineData("strings")]
    public async Task Every_type_goes_through_raw_contents_and_comes_back_as_ONNX_Runtime_computed_it(string model)
    {
        await using var server = await ServerFixture.StartAsync(o => o with { ModelName = model, ModelUri = ServerFixture.ModelPath(model, 1) });
        using var grpc = new GrpcClients(server);
        var @case = TypedCase.Load(model);

        AssertOutputs(@case, await grpc.Inference.ModelInferAsync(RawRequest(@case)));
    }

    [Theory]
    [InlineData("integers")]
    [InlineData("strings")]
    public async Task Integer_and_string_types_go_through_typed_contents_and_come_back_typed(string model)
    {
        await using var server = await ServerFixture.StartAsync(o => o with { ModelName = model, ModelUri = ServerFixture.ModelPath(model, 1) });
        using var grpc = new GrpcClients(server);
        var @case = TypedCase.Load(model);
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
    public async Task BYTES_elements_that_are_not_UTF8_come_back_byte_for_byte_raw_and_typed()
    {
        await using var server = await ServerFixture.StartAsync(o => o with { ModelName = "strings", ModelUri = ServerFixture.ModelPath("strings", 1) });
        using var grpc = new GrpcClients(server);
        byte[][] elements = [[0xFF, 0xFE], [0xC3], "green"u8.ToArray(), []];
        var typed = GrpcBytesBadInputCorpus.Typed([2, 2], []);
        typed.Inputs[0].Contents.BytesContents.AddRange(elements.Select(e => ByteString.CopyFrom(e)));

        var answer = await grpc.Inference.ModelInferAsync(typed);

        Assert.Equal(elements, answer.Outputs.Single(o => o.Name == "colour_out").Contents.BytesContents.Select(b => b.ToByteArray()));
        Assert.Equal([-1L, -1, 1, -1], answer.Outputs.Single(o => o.Name == "colour_id").Contents.Int64Contents);
        var raw = GrpcBytesBadInputCorpus.Raw([2, 2], elements.SelectMany(e => BitConverter.GetBytes(e.Length).Concat(e)).ToArray());
        var rawAnswer = await grpc.Inference.ModelInferAsync(raw);
        var colourOut = rawAnswer.Outputs.Select(o => o.Name).ToList().IndexOf("colour_out");
        Assert.Equal(raw.RawInputContents[0].ToByteArray(), rawAnswer.RawOutputContents[colourOut].ToByteArray());
    }
}
