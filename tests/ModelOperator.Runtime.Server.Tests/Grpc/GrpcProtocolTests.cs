using System.Text.Json;
using Grpc.Core;
using Grpc.Health.V1;
using ModelOperator.Contracts;
using ModelOperator.Runtime.Server.Grpc.Protocol;
using ModelOperator.Runtime.Server.Models;

namespace ModelOperator.Runtime.Server.Tests.Grpc;

/// <summary>
/// Every RPC of GRPCInferenceService and the health service, through the generated .NET client against a real server:
/// the same answers as REST for the same input, typed and raw contents, ready states, metrics.
/// </summary>
public sealed class GrpcProtocolTests
{
    private static float[] Floats(IEnumerable<double> data) => data.Select(d => (float)d).ToArray();

    [Theory]
    [InlineData("churn")]
    [InlineData("wide")]
    public async Task ModelInfer_answers_what_REST_answers_for_the_same_input_typed_and_raw(string model)
    {
        await using var server = await ServerFixture.StartAsync(o => o with { ModelName = model, ModelUri = ServerFixture.ModelPath(model, 1) });
        using var grpc = new GrpcClients(server);
        foreach (var @case in ExpectedCase.Load(model, 1))
        {
            // Given the REST answer for the case
            using var rest = await server.PostJsonAsync($"/v2/models/{model}/infer", @case.RequestJson());
            Assert.Equal(200, (int)rest.StatusCode);
            var restOutput = JsonDocument.Parse(await rest.Content.ReadAsStringAsync()).RootElement.GetProperty("outputs")[0];
            var restData = restOutput.GetProperty("data").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();

            // When gRPC sends the same input typed, then raw
            var typed = GrpcClients.Typed(model, @case.Input, @case.InputShape, Floats(@case.InputData));
            typed.Id = "case-" + @case.Name;
            var typedAnswer = await grpc.Inference.ModelInferAsync(typed);
            var rawAnswer = await grpc.Inference.ModelInferAsync(GrpcClients.Raw(model, @case.Input, @case.InputShape, Floats(@case.InputData)));

            // Then both carry REST's output exactly, in the form they were asked in
            Assert.Equal(model, typedAnswer.ModelName);
            Assert.Equal("1", typedAnswer.ModelVersion);
            Assert.Equal("case-" + @case.Name, typedAnswer.Id);
            var output = Assert.Single(typedAnswer.Outputs);
            Assert.Equal(@case.Output, output.Name);
            Assert.Equal("FP32", output.Datatype);
            Assert.Equal(@case.OutputShape, output.Shape);
            Assert.Empty(typedAnswer.RawOutputContents);
            Assert.Equal(restData, output.Contents.Fp32Contents);
            ExpectedCase.AssertClose(@case.OutputData, output.Contents.Fp32Contents.Select(f => (double)f).ToArray());

            var rawOutput = Assert.Single(rawAnswer.Outputs);
            Assert.Null(rawOutput.Contents);
            Assert.Equal(@case.OutputShape, rawOutput.Shape);
            Assert.Equal(restData, GrpcClients.RawFloats(Assert.Single(rawAnswer.RawOutputContents)));
        }
    }

    [Fact]
    public async Task Liveness_readiness_and_metadata_describe_the_served_model()
    {
        await using var server = await ServerFixture.StartAsync();
        using var grpc = new GrpcClients(server);

        Assert.True((await grpc.Inference.ServerLiveAsync(new ServerLiveRequest())).Live);
        Assert.True((await grpc.Inference.ServerReadyAsync(new ServerReadyRequest())).Ready);
        Assert.True((await grpc.Inference.ModelReadyAsync(new ModelReadyRequest { Name = "churn" })).Ready);
        Assert.True((await grpc.Inference.ModelReadyAsync(new ModelReadyRequest { Name = "churn", Version = "1" })).Ready);

        var serverMetadata = await grpc.Inference.ServerMetadataAsync(new ServerMetadataRequest());
        var restServer = await server.GetJsonAsync("/v2");
        Assert.Equal(restServer.GetProperty("name").GetString(), serverMetadata.Name);
        Assert.Equal(restServer.GetProperty("version").GetString(), serverMetadata.Version);

        var metadata = await grpc.Inference.ModelMetadataAsync(new ModelMetadataRequest { Name = "churn" });
        Assert.Equal("churn", metadata.Name);
        Assert.Equal(["1"], metadata.Versions);
        Assert.Equal("onnxruntime_onnx", metadata.Platform);
        var input = Assert.Single(metadata.Inputs);
        Assert.Equal(("features", "FP32"), (input.Name, input.Datatype));
        Assert.Equal([-1L, 8L], input.Shape);
        var output = Assert.Single(metadata.Outputs);
        Assert.Equal(("churn_probability", "FP32"), (output.Name, output.Datatype));

        var health = await grpc.Health.CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        var service = await grpc.Health.CheckAsync(new HealthCheckRequest { Service = "inference.GRPCInferenceService" });
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, service.Status);
        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await grpc.Health.CheckAsync(new HealthCheckRequest { Service = "other.Service" }));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Unknown_model_or_version_is_NOT_FOUND_on_every_model_RPC()
    {
        await using var server = await ServerFixture.StartAsync();
        using var grpc = new GrpcClients(server);

        var ready = await Assert.ThrowsAsync<RpcException>(async () => await grpc.Inference.ModelReadyAsync(new ModelReadyRequest { Name = "iris" }));
        Assert.Equal(StatusCode.NotFound, ready.StatusCode);
        Assert.Contains("unknown model \"iris\"", ready.Status.Detail, StringComparison.Ordinal);
        var metadata = await Assert.ThrowsAsync<RpcException>(async () => await grpc.Inference.ModelMetadataAsync(new ModelMetadataRequest { Name = "churn", Version = "2" }));
        Assert.Equal(StatusCode.NotFound, metadata.StatusCode);
        Assert.Contains("unknown version \"2\"", metadata.Status.Detail, StringComparison.Ordinal);
        var infer = await Assert.ThrowsAsync<RpcException>(async () => await grpc.Inference.ModelInferAsync(GrpcClients.Typed("churn", "features", [1, 8], new float[8], version: "7")));
        Assert.Equal(StatusCode.NotFound, infer.StatusCode);
    }

    [Fact]
    public async Task A_model_that_failed_to_load_is_not_ready_with_its_reason_and_inference_is_UNAVAILABLE()
    {
        await using var server = await ServerFixture.StartAsync(o => o with { ModelUri = "/nonexistent/model.onnx" });
        using var grpc = new GrpcClients(server);

        Assert.True((await grpc.Inference.ServerLiveAsync(new ServerLiveRequest())).Live);
        var call = grpc.Inference.ServerReadyAsync(new ServerReadyRequest());
        Assert.False((await call).Ready);
        Assert.Equal(ModelLoadReason.ModelNotFound, call.GetTrailers().GetValue("reason"));
        Assert.False((await grpc.Inference.ModelReadyAsync(new ModelReadyRequest { Name = "churn" })).Ready);

        var health = await grpc.Health.CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, health.Status);

        var infer = await Assert.ThrowsAsync<RpcException>(async () => await grpc.Inference.ModelInferAsync(GrpcClients.Typed("churn", "features", [1, 8], new float[8])));
        Assert.Equal(StatusCode.Unavailable, infer.StatusCode);
        Assert.Contains(ModelLoadReason.ModelNotFound, infer.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("does not exist", infer.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(ModelLoadReason.ModelNotFound, infer.Trailers.GetValue("reason"));
        var metadata = await Assert.ThrowsAsync<RpcException>(async () => await grpc.Inference.ModelMetadataAsync(new ModelMetadataRequest { Name = "churn" }));
        Assert.Equal(StatusCode.Unavailable, metadata.StatusCode);
    }

    [Fact]
    public async Task Requested_outputs_are_honoured_and_unknown_ones_refused()
    {
        await using var server = await ServerFixture.StartAsync();
        using var grpc = new GrpcClients(server);
        var request = GrpcClients.Typed("churn", "features", [1, 8], [35, 28.72f, 5, 1, 5, 14, 0, 4]);
        request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "churn_probability" });

        var answer = await grpc.Inference.ModelInferAsync(request);

        Assert.Equal("churn_probability", Assert.Single(answer.Outputs).Name);
        request.Outputs[0].Name = "score";
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await grpc.Inference.ModelInferAsync(request));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("unknown output \"score\"; the model's outputs are: churn_probability", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_calls_are_batched_and_each_gets_its_own_rows()
    {
        await using var server = await ServerFixture.StartAsync(o => o with { MaxBatchSize = 32, MaxBatchDelay = TimeSpan.FromMilliseconds(5) });
        using var grpc = new GrpcClients(server);
        var cases = ExpectedCase.Load("churn", 1);

        var calls = Enumerable.Range(0, 48).Select(async i =>
        {
            var @case = cases[i % cases.Count];
            var answer = await grpc.Inference.ModelInferAsync(GrpcClients.Typed("churn", @case.Input, @case.InputShape, Floats(@case.InputData)));
            var output = Assert.Single(answer.Outputs);
            Assert.Equal(@case.OutputShape, output.Shape);
            ExpectedCase.AssertClose(@case.OutputData, output.Contents.Fp32Contents.Select(f => (double)f).ToArray());
        });
        await Task.WhenAll(calls);

        var scrape = await server.Client.GetStringAsync("/metrics");
        Assert.Contains("modelserver_batch_size_rows_count", scrape, StringComparison.Ordinal);
    }

    [Fact]
    public async Task gRPC_inferences_count_in_the_contract_families_and_in_a_family_of_their_own()
    {
        await using var server = await ServerFixture.StartAsync();
        using var grpc = new GrpcClients(server);

        await grpc.Inference.ModelInferAsync(GrpcClients.Typed("churn", "features", [1, 8], [35, 28.72f, 5, 1, 5, 14, 0, 4]));
        await grpc.Inference.ModelInferAsync(GrpcClients.Typed("churn", "features", [1, 8], [35, 28.72f, 5, 1, 5, 14, 0, 4]));
        await Assert.ThrowsAsync<RpcException>(async () => await grpc.Inference.ModelInferAsync(GrpcClients.Typed("churn", "features", [1, 7], new float[7])));

        var scrape = await server.Client.GetStringAsync("/metrics");
        Assert.Contains($"{ModelServerMetricNames.Requests}{{model=\"churn\",version=\"1\",outcome=\"success\"}} 2", scrape, StringComparison.Ordinal);
        Assert.Contains($"{ModelServerMetricNames.Requests}{{model=\"churn\",version=\"1\",outcome=\"bad_request\"}} 1", scrape, StringComparison.Ordinal);
        Assert.Contains($"{ModelServerMetricNames.RequestDuration}_count{{model=\"churn\",version=\"1\"}} 3", scrape, StringComparison.Ordinal);
        Assert.Contains("modelserver_grpc_requests_total{model=\"churn\",version=\"1\",method=\"ModelInfer\",code=\"OK\"} 2", scrape, StringComparison.Ordinal);
        Assert.Contains("modelserver_grpc_requests_total{model=\"churn\",version=\"1\",method=\"ModelInfer\",code=\"InvalidArgument\"} 1", scrape, StringComparison.Ordinal);
        // Drift recording saw the predictions of the gRPC calls.
        Assert.Contains($"{ModelServerMetricNames.PredictionValue}_count{{model=\"churn\",version=\"1\",output=\"churn_probability\"}} 2", scrape, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_over_the_models_limit_is_RESOURCE_EXHAUSTED_and_the_next_call_works()
    {
        await using var server = await ServerFixture.StartAsync(o => o with { MaxRequestBytes = 4096 });
        using var grpc = new GrpcClients(server);
        var rows = 1000;

        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
            await grpc.Inference.ModelInferAsync(GrpcClients.Typed("churn", "features", [rows, 8], new float[rows * 8])));

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Contains("larger than 4096 bytes", refused.Status.Detail, StringComparison.Ordinal);
        var answer = await grpc.Inference.ModelInferAsync(GrpcClients.Typed("churn", "features", [1, 8], new float[8]));
        Assert.Single(answer.Outputs);
    }
}
