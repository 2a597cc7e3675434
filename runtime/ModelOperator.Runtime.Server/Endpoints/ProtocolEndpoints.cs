using System.Reflection;
using System.Text.Json;
using ModelOperator.Metrics;
using ModelOperator.Runtime.Protocol;
using ModelOperator.Runtime.Server.Hosting;
using ModelOperator.Runtime.Server.Inference;
using ModelOperator.Runtime.Server.Metrics;
using ModelOperator.Runtime.Server.Models;

namespace ModelOperator.Runtime.Server.Endpoints;

/// <summary>
/// The Open Inference Protocol v2 REST surface plus /metrics. Live means the process serves
/// HTTP; ready means the model is loaded, verified and warmed. Not ready answers 503 with the
/// stable reason word and a message, so that probes fail and the operator can say why.
/// </summary>
internal static class ProtocolEndpoints
{
    public const string ServerName = "modelserver";
    public const string Platform = "onnxruntime_onnx";

    internal static readonly string ServerVersion =
        typeof(ProtocolEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static void Map(WebApplication app)
    {
        var handler = app.Services.GetRequiredService<InferenceHandler>();
        var state = app.Services.GetRequiredService<ModelState>();
        var metrics = app.Services.GetRequiredService<ServerMetrics>();
        var drain = app.Services.GetRequiredService<GracefulDrain>();

        ErrorBodies.Use(app);
        app.MapPost("/v2/models/{name}/infer", handler.HandleAsync);
        app.MapPost("/v2/models/{name}/versions/{version}/infer", handler.HandleAsync);

        MapGet(app, "/v2", context => JsonResponses.WriteAsync(context, 200, w =>
        {
            w.WriteString("name", ServerName);
            w.WriteString("version", ServerVersion);
            // The protocol's extensions this REST surface implements, by the names Triton reports.
            w.WriteStartArray("extensions");
            w.WriteStringValue("binary_tensor_data");
            w.WriteEndArray();
        }));

        MapGet(app, "/v2/health/live", context => JsonResponses.WriteAsync(context, 200, w => w.WriteBoolean("live", true)));
        // While draining, readiness fails whatever the model's state (the probe takes the pod out), and nothing else changes.
        MapGet(app, "/v2/health/ready", context => ReadyAsync(context, drain.Readiness(state.Current), metrics, includeName: false));
        MapGet(app, "/v2/models/{name}/ready", context => ModelAsync(context, state, metrics, (c, status, m, n) => ReadyAsync(c, drain.Readiness(status), m, n)));
        MapGet(app, "/v2/models/{name}/versions/{version}/ready", context => ModelAsync(context, state, metrics, (c, status, m, n) => ReadyAsync(c, drain.Readiness(status), m, n)));
        var options = app.Services.GetRequiredService<ServerOptions>();
        MapGet(app, "/v2/models/{name}/stats", context => ModelAsync(context, state, metrics, (c, status, _, _) => StatsEndpoint.WriteAsync(c, status, options)));
        MapGet(app, "/v2/models/{name}/versions/{version}/stats", context => ModelAsync(context, state, metrics, (c, status, _, _) => StatsEndpoint.WriteAsync(c, status, options)));
        MapGet(app, "/v2/models/{name}", context => ModelAsync(context, state, metrics, MetadataAsync));
        MapGet(app, "/v2/models/{name}/versions/{version}", context => ModelAsync(context, state, metrics, MetadataAsync));

        MetricsEndpoint.Map(app, metrics.Registry);
    }

    private static readonly string[] GetAndHead = [HttpMethods.Get, HttpMethods.Head];

    // A GET endpoint answers HEAD as HTTP says: the same status and headers, no body (Kestrel
    // drops body writes for HEAD).
    private static void MapGet(WebApplication app, string pattern, RequestDelegate handler) => app.MapMethods(pattern, GetAndHead, handler);

    private static Task ModelAsync(
        HttpContext context,
        ModelState state,
        ServerMetrics metrics,
        Func<HttpContext, ModelStatus, ServerMetrics, bool, Task> respond)
    {
        return ModelRoute.Mismatch(context, metrics.ModelName, metrics.ModelVersion) is { } notFound
            ? JsonResponses.ErrorAsync(context, 404, notFound)
            : respond(context, state.Current, metrics, true);
    }

    private static Task ReadyAsync(HttpContext context, ModelStatus status, ServerMetrics metrics, bool includeName) =>
        JsonResponses.WriteAsync(context, status.Ready ? 200 : 503, w =>
        {
            if (includeName)
            {
                w.WriteString("name", metrics.ModelName);
                w.WriteString("version", metrics.ModelVersion);
            }

            w.WriteBoolean("ready", status.Ready);
            w.WriteString("reason", status.Reason);
            w.WriteString("message", status.Message);
        });

    private static Task MetadataAsync(HttpContext context, ModelStatus status, ServerMetrics metrics, bool includeName)
    {
        if (status.Model is not { } model)
        {
            return JsonResponses.WriteAsync(context, 503, w =>
            {
                w.WriteString("error", $"model {metrics.ModelName} version {metrics.ModelVersion} is not ready: {status.Reason}: {status.Message}");
                w.WriteString("name", metrics.ModelName);
                w.WriteStartArray("versions");
                w.WriteStringValue(metrics.ModelVersion);
                w.WriteEndArray();
                w.WriteString("platform", Platform);
                w.WriteBoolean("ready", false);
                w.WriteString("reason", status.Reason);
                w.WriteString("message", status.Message);
            });
        }

        return JsonResponses.WriteAsync(context, 200, w =>
        {
            w.WriteString("name", model.Name);
            w.WriteStartArray("versions");
            w.WriteStringValue(model.Version);
            w.WriteEndArray();
            w.WriteString("platform", Platform);
            WriteTensors(w, "inputs", model.Signature.Inputs);
            WriteTensors(w, "outputs", model.Signature.Outputs);
            w.WriteBoolean("ready", true);
            w.WriteString("sha256", model.Sha256);
        });
    }

    private static void WriteTensors(Utf8JsonWriter w, string property, IReadOnlyList<TensorSignature> tensors)
    {
        w.WriteStartArray(property);
        foreach (var tensor in tensors)
        {
            w.WriteStartObject();
            w.WriteString("name", tensor.Name);
            w.WriteString("datatype", DataTypes.Name(tensor.DataType));
            w.WriteStartArray("shape");
            foreach (var dim in tensor.Shape)
            {
                w.WriteNumberValue(dim);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
