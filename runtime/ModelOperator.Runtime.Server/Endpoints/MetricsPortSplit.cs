using ModelOperator.Runtime.Server.Inference;

namespace ModelOperator.Runtime.Server.Endpoints;

/// <summary>
/// With <c>METRICS_PORT</c> set, <c>/metrics</c> and <c>/v2/models/{name}[/versions/{version}]/stats</c> are answered on
/// that port only, and nothing else is: a NetworkPolicy on ports can then let every client reach inference and only the
/// monitoring namespace and the operator reach the metrics. Anything asked on the wrong port is a 404 that says where it is.
/// </summary>
internal static class MetricsPortSplit
{
    public static void Use(WebApplication app, Func<int> metricsPort) => app.Use((context, next) =>
    {
        var onMetricsPort = context.Connection.LocalPort == metricsPort();
        var path = context.Request.Path;
        if (onMetricsPort == IsMetricsPath(path))
        {
            return next(context);
        }

        return JsonResponses.ErrorAsync(context, StatusCodes.Status404NotFound, onMetricsPort
            ? "the metrics port (METRICS_PORT) serves only /metrics and /v2/models/{name}/stats"
            : "/metrics and /v2/models/{name}/stats are served on the metrics port (METRICS_PORT), not on this one");
    });

    /// <summary>The paths that belong to the metrics port: <c>/metrics</c> and the model's <c>/stats</c>.</summary>
    public static bool IsMetricsPath(PathString path) =>
        path == "/metrics" || (path.StartsWithSegments("/v2/models", StringComparison.Ordinal) && path.Value!.EndsWith("/stats", StringComparison.Ordinal));
}
