using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ModelOperator.ApiServer.Api;
using ModelOperator.ApiServer.Errors;
using ModelOperator.ApiServer.Json;
using ModelOperator.ApiServer.Patch;
using ModelOperator.ApiServer.Resources;
using ModelOperator.ApiServer.Tables;

namespace ModelOperator.ApiServer.Http;

/// <summary>
/// Resource paths: <c>[namespaces/{ns}/]{resource}[/{name}[/{subresource}]]</c> under a group
/// version, mapped to get, list, watch, create, update, patch, delete and deletecollection.
/// </summary>
internal sealed class ResourceEndpoint
{
    private readonly ResourceService _service;
    private readonly WatchStreamer _watches;

    public ResourceEndpoint(ResourceService service, WatchStreamer watches)
    {
        _service = service;
        _watches = watches;
    }

    public async Task HandleAsync(HttpContext context, string method, string group, string version, string[] rest)
    {
        var (ns, plural, name, sub) = Parse(rest);
        var type = _service.Registry.Find(group, version, plural) ?? throw ApiException.NoRoute();
        if ((type.Namespaced && ns is null && name is not null) || (!type.Namespaced && ns is not null))
        {
            throw ApiException.NoRoute();
        }

        var subresource = sub switch
        {
            null => Subresource.None,
            "status" when type.HasStatus => Subresource.Status,
            "scale" when type.Scale is not null => Subresource.Scale,
            _ => throw ApiException.NoRoute(),
        };

        var request = context.Request;
        if (type.IsReview)
        {
            await ReviewAsync(context, method, type, name ?? sub).ConfigureAwait(false);
            return;
        }

        if (name is null)
        {
            await CollectionAsync(context, method, type, ns).ConfigureAwait(false);
            return;
        }

        switch (method, subresource)
        {
            case ("GET", Subresource.Scale):
                await JsonResponses.WriteAsync(context, 200, _service.GetScale(type, ns, name)).ConfigureAwait(false);
                break;
            case ("PUT", Subresource.Scale):
                await JsonResponses.WriteAsync(context, 200, _service.UpdateScale(type, ns, name, await ReadObjectAsync(request, []).ConfigureAwait(false), RequestQuery.WriteOptions(request))).ConfigureAwait(false);
                break;
            case ("PATCH", Subresource.Scale):
                await JsonResponses.WriteAsync(context, 200, _service.PatchScale(type, ns, name, request.ContentType, await ReadBodyAsync(request).ConfigureAwait(false), RequestQuery.WriteOptions(request))).ConfigureAwait(false);
                break;
            case ("GET", _):
                var obj = _service.Get(type, ns, name);
                if (RequestQuery.WantsTable(request))
                {
                    var table = TableBuilder.Build(TableBuilder.Columns(type), [obj], _service.Now, RequestQuery.Get(request, "includeObject") ?? "Metadata", true, obj.ResourceVersion(), null);
                    await JsonResponses.WriteAsync(context, 200, table).ConfigureAwait(false);
                }
                else
                {
                    await JsonResponses.WriteAsync(context, 200, obj).ConfigureAwait(false);
                }

                break;
            case ("PUT", _):
                var (updated, updateOptions) = await ReadWriteAsync(request).ConfigureAwait(false);
                await WriteAsync(context, _service.Update(type, ns, name, updated, subresource, updateOptions), updateOptions).ConfigureAwait(false);
                break;
            case ("PATCH", _):
                var patchOptions = RequestQuery.WriteOptions(request);
                await WriteAsync(context, _service.Patch(type, ns, name, request.ContentType, await ReadBodyAsync(request).ConfigureAwait(false), subresource, patchOptions), patchOptions).ConfigureAwait(false);
                break;
            case ("DELETE", Subresource.None):
                var body = await ReadBodyAsync(request).ConfigureAwait(false);
                var (delete, dryRunBody) = RequestQuery.DeleteOptions(request, body);
                var options = RequestQuery.WriteOptions(request);
                await WriteAsync(context, _service.Delete(type, ns, name, delete, options with { DryRun = options.DryRun || dryRunBody }), options).ConfigureAwait(false);
                break;
            default:
                throw ApiException.MethodNotAllowed($"the server does not allow this method on the requested resource: {method} {type.Plural}{(sub is null ? "" : "/" + sub)}");
        }
    }

    private async Task CollectionAsync(HttpContext context, string method, ResourceType type, string? ns)
    {
        var request = context.Request;
        switch (method)
        {
            case "GET" when RequestQuery.Flag(request, "watch"):
                CheckListOptions(request, watch: true);
                await _watches.StreamAsync(context, type, ns).ConfigureAwait(false);
                break;
            case "GET":
                CheckListOptions(request, watch: false);
                var page = _service.List(type, ns, RequestQuery.ListOptions(request));
                if (RequestQuery.WantsTable(request))
                {
                    var table = TableBuilder.Build(TableBuilder.Columns(type), page.Items, _service.Now, RequestQuery.Get(request, "includeObject") ?? "Metadata", true, page.ResourceVersion, page.Continue);
                    await JsonResponses.WriteAsync(context, 200, table).ConfigureAwait(false);
                }
                else
                {
                    await JsonResponses.WriteListAsync(context, type, page.Items, page.ResourceVersion, page.Continue, page.RemainingItemCount).ConfigureAwait(false);
                }

                break;
            case "POST":
                if (type.Namespaced && ns is null)
                {
                    throw ApiException.MethodNotAllowed($"{type.Plural} are namespaced: POST to /namespaces/{{namespace}}/{type.Plural}");
                }

                var (created, createOptions) = await ReadWriteAsync(request).ConfigureAwait(false);
                await WriteAsync(context, _service.Create(type, ns, created, createOptions), createOptions).ConfigureAwait(false);
                break;
            case "DELETE":
                var body = await ReadBodyAsync(request).ConfigureAwait(false);
                var (delete, dryRunBody) = RequestQuery.DeleteOptions(request, body);
                var options = RequestQuery.WriteOptions(request);
                var deleted = _service.DeleteCollection(type, ns, RequestQuery.ListOptions(request), delete, options with { DryRun = options.DryRun || dryRunBody });
                await JsonResponses.WriteListAsync(context, type, deleted, _service.Store.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), null).ConfigureAwait(false);
                break;
            default:
                throw ApiException.MethodNotAllowed($"the server does not allow this method on the requested resource: {method} {type.Plural}");
        }
    }

    /// <summary>
    /// A review is created and answered in one step: the body comes back with <c>status.allowed: true</c> (this server
    /// authorizes every request it authenticates) and nothing is stored; any other verb is 405, as on a real server.
    /// </summary>
    private static async Task ReviewAsync(HttpContext context, string method, ResourceType type, string? name)
    {
        if (method != "POST" || name is not null)
        {
            throw ApiException.MethodNotAllowed("the server does not allow this method on the requested resource");
        }

        var review = (context.Request.ContentType ?? "").Contains("protobuf", StringComparison.Ordinal)
            ? ReviewProtobuf.Read(await ReadBodyAsync(context.Request).ConfigureAwait(false))
            : await ReadObjectAsync(context.Request, []).ConfigureAwait(false);
        if (review["spec"] is not JsonObject spec || (spec["resourceAttributes"] is null) == (spec["nonResourceAttributes"] is null))
        {
            throw ApiException.Invalid(type.QualifiedKind, "", type.Group, [new StatusCause("FieldValueInvalid", "Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified", "spec.resourceAttributes")]);
        }

        review["apiVersion"] = type.ApiVersion;
        review["kind"] = type.Kind;
        review["metadata"] ??= new JsonObject();
        review["status"] = new JsonObject { ["allowed"] = true };
        await JsonResponses.WriteAsync(context, 201, review).ConfigureAwait(false);
    }

    private static void CheckListOptions(HttpRequest request, bool watch) => ListOptionsRules.Enforce(
        watch,
        RequestQuery.Get(request, "resourceVersion"),
        RequestQuery.Get(request, "resourceVersionMatch"),
        RequestQuery.Get(request, "continue"),
        RequestQuery.Get(request, "sendInitialEvents"));

    /// <summary>Writes the answer to a write, with one <c>Warning</c> header (code 299, agent "-") per warning it raised.</summary>
    private static Task WriteAsync(HttpContext context, WriteResult result, WriteOptions options)
    {
        foreach (var warning in options.Warnings ?? [])
        {
            context.Response.Headers.Append("Warning", WarningHeader(warning));
        }

        return JsonResponses.WriteAsync(context, result.StatusCode, result.Object);
    }

    /// <summary>A warning as kube-apiserver sends it: <c>299 - "text"</c>, the text quoted with Go's escapes for quotes and backslashes.</summary>
    internal static string WarningHeader(string text) => "299 - " + JsonHelpers.GoQuote(text);

    /// <summary>The object of a POST or PUT and the write's options, which carry the keys the body repeated.</summary>
    private static async Task<(JsonObject Body, WriteOptions Options)> ReadWriteAsync(HttpRequest request)
    {
        var duplicates = new List<string>();
        var body = await ReadObjectAsync(request, duplicates).ConfigureAwait(false);
        return (body, RequestQuery.WriteOptions(request) with { DuplicateFields = duplicates });
    }

    private static (string? Namespace, string Plural, string? Name, string? Subresource) Parse(string[] rest)
    {
        if (rest.Length == 0)
        {
            throw ApiException.NoRoute();
        }

        string? ns = null;
        if (rest[0] == "namespaces" && rest.Length >= 3 && !(rest.Length == 3 && rest[2] is "status" or "finalize"))
        {
            ns = rest[1];
            rest = rest[2..];
        }

        return rest.Length switch
        {
            1 => (ns, rest[0], null, null),
            2 => (ns, rest[0], rest[1], null),
            3 => (ns, rest[0], rest[1], rest[2]),
            _ => throw ApiException.NoRoute(),
        };
    }

    private static JsonObject ParseJsonObject(byte[] body, List<string> duplicates)
    {
        try
        {
            return DuplicateKeyJson.Parse(body, duplicates) as JsonObject ?? throw new FormatException("the request body must be a JSON object");
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new FormatException($"the request body is not valid JSON: {ex.Message}", ex);
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpRequest request, List<string> duplicates)
    {
        var body = await ReadBodyAsync(request).ConfigureAwait(false);
        var mediaType = (request.ContentType ?? "application/json").Split(';')[0].Trim();
        try
        {
            if (mediaType is "application/yaml" or "application/x-yaml")
            {
                return YamlJson.Parse(body) as JsonObject ?? throw new FormatException("the request body must be an object");
            }

            if (mediaType.Contains("protobuf", StringComparison.Ordinal))
            {
                throw ApiException.UnsupportedMediaType(["application/json", "application/yaml"]);
            }

            return ParseJsonObject(body, duplicates);
        }
        catch (Exception ex) when (ex is FormatException or PatchException)
        {
            throw ApiException.BadRequest(ex.Message);
        }
    }
}
