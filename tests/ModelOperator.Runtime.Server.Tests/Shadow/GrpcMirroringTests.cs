using Microsoft.AspNetCore.Http;
using ModelOperator.Contracts;
using ModelOperator.Runtime.Server.Tests.Grpc;
using ModelOperator.Testing;
using static ModelOperator.Runtime.Server.Tests.Shadow.MirroringServers;

namespace ModelOperator.Runtime.Server.Tests.Shadow;

/// <summary>A gRPC ModelInfer call is mirrored like a REST request: same share, same queue, same agreement metrics.</summary>
public sealed class GrpcMirroringTests
{
    [Fact]
    public async Task Grpc_calls_typed_and_raw_are_mirrored_to_the_candidate_over_rest_and_compared_with_the_grpc_answer()
    {
        // Given a candidate server and a stable server that mirrors 100 % to it
        var @case = ExpectedCase.Load("churn", 1)[0];
        var features = @case.InputData.Select(d => (float)d).ToArray();
        await using var candidate = await ServerFixture.StartAsync();
        await using var stable = await StartStableAsync(candidate.BaseAddress.ToString(), percent: 100, tolerance: 1e-6);
        using var grpc = new GrpcClients(stable);

        // When users call ModelInfer three times with typed contents and three times with raw contents
        for (var i = 0; i < 3; i++)
        {
            var typed = await grpc.Inference.ModelInferAsync(GrpcClients.Typed("churn", @case.Input, @case.InputShape, features));
            var raw = await grpc.Inference.ModelInferAsync(GrpcClients.Raw("churn", @case.Input, @case.InputShape, features));

            // Then they get the stable answer as usual
            Assert.Equal(@case.Output, Assert.Single(typed.Outputs).Name);
            Assert.Single(raw.RawOutputContents);
        }

        // And every copy reached the candidate over REST and agreed exactly with the gRPC answer (the same model)
        var samples = await WaitForAsync(stable, s => Copies(s, ShadowContract.Compared) == 6);
        Assert.Equal(6, Value(samples, ShadowContract.Agreements));
        Assert.Equal(6, Value(samples, ShadowContract.AbsoluteDifference + "_bucket", ("output", @case.Output), ("le", "0")));
        Assert.Equal(6, Value(samples, ShadowContract.TopClass, ("output", @case.Output), (ShadowContract.TopClassLabel, "agree")));
        Assert.Equal((0, 0), (Copies(samples, ShadowContract.Failed), Copies(samples, ShadowContract.Dropped)));
        Assert.Equal(6, Value(await ScrapeAsync(candidate), ModelServerMetricNames.Requests, ("outcome", "success")));
    }

    [Fact]
    public async Task A_grpc_call_whose_candidate_answer_differs_is_counted_as_a_disagreement()
    {
        // Given a candidate that answers every copy with a probability of 0.9
        var @case = ExpectedCase.Load("churn", 1)[0];
        var features = @case.InputData.Select(d => (float)d).ToArray();
        await using var origin = await FileOrigin.StartAsync(async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($$"""{"outputs":[{"name":"{{@case.Output}}","datatype":"FP32","shape":[1,1],"data":[0.9]}]}""");
        });
        await using var stable = await StartStableAsync(origin.Url("/"), percent: 100, tolerance: 0.01);
        using var grpc = new GrpcClients(stable);

        // When a user calls ModelInfer
        var answer = await grpc.Inference.ModelInferAsync(GrpcClients.Typed("churn", @case.Input, @case.InputShape, features));

        // Then the copy is compared and disagrees, and the user got the stable answer
        var samples = await WaitForAsync(stable, s => Copies(s, ShadowContract.Compared) == 1);
        Assert.Equal(0, Value(samples, ShadowContract.Agreements));
        Assert.NotEqual(0.9f, Assert.Single(Assert.Single(answer.Outputs).Contents.Fp32Contents));
    }
}
