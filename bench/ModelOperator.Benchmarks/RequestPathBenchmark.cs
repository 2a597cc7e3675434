using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.Runtime.Onnx;
using ModelOperator.Runtime.Protocol;
using ModelOperator.Runtime.Server.Hosting;
using ModelOperator.Runtime.Server.Inference;
using ModelOperator.Runtime.Server.Metrics;
using ModelOperator.Runtime.Server.Models;

namespace ModelOperator.Benchmarks;

/// <summary>
/// Where a churn request's server-side time goes, stage by stage, in process and without HTTP:
/// parsing and validation, the ONNX Runtime call, and Run plus response writing and metrics.
/// Read beside the server's CPU per request in the inference-server section: the difference is HTTP.
/// </summary>
internal sealed class RequestPathBenchmark : IBenchmarkSection
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public string Name => "request-path";

    public Task<string> RunAsync()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "models", "churn", "1", "model.onnx");
        using var env = OnnxRuntimeEnvironment.Create();
        using var session = InferenceSession.Load(env, path);
        var options = new ServerOptions { ModelName = "churn", ModelUri = path };
        var metrics = new ServerMetrics(Prometheus.Metrics.NewCustomRegistry(), options);
        using var model = new LoadedModel(session, "churn", "1", "sha", 1 << 20, _ => null);
        var body = Encoding.UTF8.GetBytes("{\"id\":\"bench\",\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[35,28.72,5,1,5,14,0,4]}]}");
        var request = new InferenceRequest(model.Signature);
        InferenceRequestParser.Parse(body, request);
        var inputs = new[] { new InputTensor(0, TensorElementType.Float32, request.Inputs[0].Shape, request.Inputs[0].Data) };

        var parse = Measure(() =>
        {
            request.Reset();
            InferenceRequestParser.Parse(body, request);
        });
        var run = Measure(() =>
        {
            using var result = session.Run(inputs);
        });
        var buffer = ResponseBuffer.Pool.Get();
        var runAndWrite = Measure(() =>
        {
            ResponseBuffer.Pool.Return(buffer);
            buffer = ResponseBuffer.Pool.Get();
            ModelRunner.RunAlone(model, request, buffer, metrics, NullLogger.Instance);
        });

        var s = new StringBuilder();
        s.AppendLine("## Request path, stage by stage (churn, batch 1, in process)");
        s.AppendLine();
        s.AppendLine("Median µs per call over 20 batches; no HTTP. Compare with the server-side CPU per request in the inference-server section: the rest is Kestrel, routing and the socket.");
        s.AppendLine();
        s.AppendLine("| stage | µs |");
        s.AppendLine("|---|---|");
        s.AppendLine(Inv, $"| parse and validate the JSON request into pooled input buffers | {parse:0.00} |");
        s.AppendLine(Inv, $"| ONNX Runtime Run alone | {run:0.00} |");
        s.AppendLine(Inv, $"| Run + response JSON + metrics (the whole model step of a request) | {runAndWrite:0.00} |");
        s.AppendLine();
        s.Append(WideJsonVersusBinary(env, metrics));
        return Task.FromResult(s.ToString());
    }

    // The binary data extension against JSON where it matters: the wide MLP, 4 rows of 256 FP32
    // (1024 floats), request in and response out in the same form.
    private static string WideJsonVersusBinary(OnnxRuntimeEnvironment env, ServerMetrics metrics)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "models", "wide", "1", "model.onnx");
        using var session = InferenceSession.Load(env, path);
        using var model = new LoadedModel(session, "wide", "1", "sha", 1 << 24, _ => null);
        var values = Enumerable.Range(0, 1024).Select(i => (float)Math.Sin(i)).ToArray();
        var json = Encoding.UTF8.GetBytes(
            "{\"inputs\":[{\"name\":\"input\",\"shape\":[4,256],\"datatype\":\"FP32\",\"data\":["
            + string.Join(",", values.Select(v => v.ToString("R", Inv))) + "]}]}");
        var header = Encoding.UTF8.GetBytes(
            "{\"inputs\":[{\"name\":\"input\",\"shape\":[4,256],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":4096}}],\"parameters\":{\"binary_data_output\":true}}");
        var binary = new System.Buffers.ReadOnlySequence<byte>([.. header, .. System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())]);
        var request = new InferenceRequest(model.Signature);
        var buffer = ResponseBuffer.Pool.Get();

        double Step(bool inBinary, bool run) => Measure(
            () =>
            {
                request.Reset();
                if (inBinary)
                {
                    InferenceRequestParser.Parse(binary, request, header.Length);
                }
                else
                {
                    InferenceRequestParser.Parse(json, request);
                }

                if (run)
                {
                    ResponseBuffer.Pool.Return(buffer);
                    buffer = ResponseBuffer.Pool.Get();
                    ModelRunner.RunAlone(model, request, buffer, metrics, NullLogger.Instance);
                }
            },
            run ? 200 : 5_000);

        var parseJson = Step(inBinary: false, run: false);
        var parseBinary = Step(inBinary: true, run: false);
        var wholeJson = Step(inBinary: false, run: true);
        var jsonBytes = buffer.Written.Length;
        var wholeBinary = Step(inBinary: true, run: true);
        var binaryBytes = buffer.Written.Length;
        var s = new StringBuilder();
        s.AppendLine("### Binary data extension against JSON (wide MLP, 4 rows of 256 FP32 = 1024 floats)");
        s.AppendLine();
        s.AppendLine(Inv, $"Request body {json.Length} bytes in JSON, {binary.Length} in binary; response {jsonBytes} and {binaryBytes} bytes. Median µs per call, in process.");
        s.AppendLine();
        s.AppendLine("| stage | JSON µs | binary µs |");
        s.AppendLine("|---|---|---|");
        s.AppendLine(Inv, $"| parse and validate the request | {parseJson:0.00} | {parseBinary:0.00} |");
        s.AppendLine(Inv, $"| parse + Run + response + metrics | {wholeJson:0.00} | {wholeBinary:0.00} |");
        s.AppendLine();
        s.AppendLine(Inv, $"Binary {(wholeBinary <= wholeJson ? "is at least as fast as" : "is slower than")} JSON for the whole step ({wholeBinary / wholeJson:0.00} × JSON's time).");
        ResponseBuffer.Pool.Return(buffer);
        return s.ToString();
    }

    private static double Measure(Action action, int perBatch = 20_000)
    {
        for (var i = 0; i < perBatch; i++)
        {
            action();
        }

        var batches = new List<double>();
        for (var b = 0; b < 20; b++)
        {
            var t0 = Stopwatch.GetTimestamp();
            for (var i = 0; i < perBatch; i++)
            {
                action();
            }

            batches.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds / perBatch);
        }

        return Stats.Median(batches);
    }
}
