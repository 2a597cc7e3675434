using Microsoft.AspNetCore.Diagnostics;
using ModelOperator.Runtime.Server.Inference;

namespace ModelOperator.Runtime.Server.Endpoints;

/// <summary>
/// Every answer of 400 or more carries <c>{"error": ...}</c>, as the protocol promises, including
/// the ones routing gives on its own: a path that matches nothing (404) and a method the path
/// does not take (405, with the <c>Allow</c> header routing sets). A request body the transport
/// refuses (a malformed chunk, a size line that overflows) is a 400, never a 500.
/// </summary>
internal static partial class ErrorBodies
{
    public static void Use(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is BadHttpRequestException or IOException && !context.RequestAborted.IsCancellationRequested)
            {
                var status = ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status400BadRequest;
                if (!context.Response.HasStarted)
                {
                    context.Response.Headers.Connection = "close";
                    await JsonResponses.ErrorAsync(context, status, "could not read the request: " + ex.Message).ConfigureAwait(false);
                }
            }
        });

        app.UseStatusCodePages(WriteAsync);
    }

    private static Task WriteAsync(StatusCodeContext status)
    {
        var context = status.HttpContext;
        var request = context.Request;
        var message = context.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => $"no endpoint {request.Method} {Shown(request.Path)}; the Open Inference Protocol v2 paths are under /v2 (see GET /v2)",
            StatusCodes.Status405MethodNotAllowed =>
                $"method {Shown(request.Method)} is not allowed on {Shown(request.Path)}; allowed: {context.Response.Headers.Allow}",
            var code => $"the request was refused with status {code}",
        };
        return JsonResponses.ErrorAsync(context, context.Response.StatusCode, message);
    }

    /// <summary>Text from the client (a path, a method, a route value), cut to 200 characters for messages.</summary>
    internal static string Shown(string? text) =>
        text is null ? string.Empty : text.Length <= 200 ? text : string.Concat(text.AsSpan(0, 200), "…");
}
