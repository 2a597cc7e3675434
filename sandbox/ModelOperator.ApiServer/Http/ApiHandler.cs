using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ModelOperator.ApiServer.Api;
using ModelOperator.ApiServer.Discovery;
using ModelOperator.ApiServer.Errors;
using ModelOperator.ApiServer.Faults;
using ModelOperator.ApiServer.OpenApi;

namespace ModelOperator.ApiServer.Http;

/// <summary>
/// The single request delegate: applies injected faults, routes version, health, discovery and
/// OpenAPI requests, and hands resource paths to <see cref="ResourceEndpoint"/>. Every error is
/// answered with a Status object.
/// </summary>
internal sealed class ApiHandler
{
    private readonly ResourceService _service;
    private readonly ResourceEndpoint _resources;
    private readonly OpenApiDocuments _openApi;
    private readonly FaultInjector _faults;
    private readonly string _gitVersion;
    private readonly ILogger _logger;
    private readonly RequestLog? _requests;

    public ApiHandler(ResourceService service, ResourceEndpoint resources, OpenApiDocuments openApi, FaultInjector faults, string gitVersion, ILogger logger, RequestLog? requests = null)
    {
        _requests = requests;
        _service = service;
        _resources = resources;
        _openApi = openApi;
        _faults = faults;
        _gitVersion = gitVersion;
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        _requests?.Add(new RecordedRequest(context.Request.Method, path, context.Request.QueryString.Value ?? string.Empty, context.Request.Headers.UserAgent.ToString()));
        try
        {
            await _faults.BeforeRequestAsync(context.RequestAborted).ConfigureAwait(false);
            await RouteAsync(context, path).ConfigureAwait(false);
        }
        catch (ApiException ex)
        {
            if (!context.Response.HasStarted)
            {
                await JsonResponses.WriteStatusAsync(context, ex).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.Unexpected(_logger, ex, context.Request.Method, path);
            if (!context.Response.HasStarted)
            {
                await JsonResponses.WriteStatusAsync(context, new ApiException(500, "InternalError", $"an internal error occurred: {ex.Message}")).ConfigureAwait(false);
            }
        }

        Log.Request(_logger, context.Request.Method, path, context.Response.StatusCode);
    }

    private async Task RouteAsync(HttpContext context, string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var method = context.Request.Method;
        var snapshot = _service.Registry.Current;
        switch (segments)
        {
            case ["version"]:
                await JsonResponses.WriteAsync(context, 200, DiscoveryDocuments.Version(_gitVersion)).ConfigureAwait(false);
                return;
            case ["healthz" or "livez" or "readyz", ..]:
                context.Response.ContentType = "text/plain";
                await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes("ok"), context.RequestAborted).ConfigureAwait(false);
                return;
            case ["api"]:
                await JsonResponses.WriteAsync(context, 200, DiscoveryDocuments.CoreVersions($"{context.Request.Host}")).ConfigureAwait(false);
                return;
            case ["apis"]:
                await JsonResponses.WriteAsync(context, 200, DiscoveryDocuments.GroupList(snapshot)).ConfigureAwait(false);
                return;
            case ["openapi", "v3"]:
                await JsonResponses.WriteAsync(context, 200, _openApi.Index(snapshot)).ConfigureAwait(false);
                return;
            case ["openapi", "v3", .. var rest]:
                var doc = _openApi.Document(snapshot, string.Join('/', rest)) ?? throw ApiException.NoRoute();
                context.Response.Headers.ETag = $"\"{doc.Hash}\"";
                await JsonResponses.WriteAsync(context, 200, doc.Doc).ConfigureAwait(false);
                return;
            case ["api", var version]:
                await JsonResponses.WriteAsync(context, 200, DiscoveryDocuments.ResourceList(snapshot, "", version) ?? throw ApiException.NoRoute()).ConfigureAwait(false);
                return;
            case ["apis", var group]:
                await JsonResponses.WriteAsync(context, 200, DiscoveryDocuments.GroupDocument(snapshot, group) ?? throw ApiException.NoRoute()).ConfigureAwait(false);
                return;
            case ["apis", var group, var version]:
                await JsonResponses.WriteAsync(context, 200, DiscoveryDocuments.ResourceList(snapshot, group, version) ?? throw ApiException.NoRoute()).ConfigureAwait(false);
                return;
            case ["api", var version, .. var rest]:
                await _resources.HandleAsync(context, method, "", version, rest).ConfigureAwait(false);
                return;
            case ["apis", var group, var version, .. var rest]:
                await _resources.HandleAsync(context, method, group, version, rest).ConfigureAwait(false);
                return;
            default:
                throw ApiException.NoRoute();
        }
    }
}
