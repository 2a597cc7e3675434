using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ModelOperator.ApiServer.Api;
using ModelOperator.ApiServer.Errors;
using ModelOperator.ApiServer.Json;

namespace ModelOperator.ApiServer.Http;

/// <summary>Reads the query parameters and option bodies of API requests, rejecting bad values clearly.</summary>
internal static class RequestQuery
{
    public static string? Get(HttpRequest request, string name) =>
        request.Query.TryGetValue(name, out var v) && v.Count > 0 ? v[^1] : null;

    public static bool Flag(HttpRequest request, string name) => Get(request, name) is "true" or "1" or "True";

    public static bool WantsTable(HttpRequest request) =>
        request.Headers.Accept.Any(a => a is not null && a.Contains("as=Table", StringComparison.Ordinal));

    public static WriteOptions WriteOptions(HttpRequest request)
    {
        var dryRun = Get(request, "dryRun");
        if (dryRun is not (null or "" or "All"))
        {
            throw ApiException.BadRequest($"dryRun \"{dryRun}\" is not supported; the only allowed value is All");
        }

        var validation = Get(request, "fieldValidation") ?? "Warn";
        if (validation is not ("Strict" or "Warn" or "Ignore"))
        {
            throw ApiException.BadRequest($"fieldValidation \"{validation}\" is not supported; allowed: Strict, Warn, Ignore");
        }

        return new WriteOptions
        {
            DryRun = dryRun == "All",
            FieldManager = Get(request, "fieldManager"),
            FieldValidation = validation,
            Force = Flag(request, "force"),
            UserAgent = request.Headers.UserAgent.ToString(),
            Warnings = [],
        };
    }

    public static ListOptions ListOptions(HttpRequest request)
    {
        var limitText = Get(request, "limit");
        var limit = 0;
        if (!string.IsNullOrEmpty(limitText) && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 0))
        {
            throw ApiException.BadRequest($"limit \"{limitText}\" is not valid: it must be a non-negative integer");
        }

        return new ListOptions
        {
            LabelSelector = Get(request, "labelSelector"),
            FieldSelector = Get(request, "fieldSelector"),
            Limit = limit,
            Continue = Get(request, "continue"),
        };
    }

    public static int? TimeoutSeconds(HttpRequest request)
    {
        var text = Get(request, "timeoutSeconds");
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var s)
            ? s
            : throw ApiException.BadRequest($"timeoutSeconds \"{text}\" is not valid: it must be a non-negative integer");
    }

    /// <summary>DeleteOptions from the body (if any) and the query, plus whether it asks for a dry run.</summary>
    public static (DeleteOptions Options, bool DryRun) DeleteOptions(HttpRequest request, byte[] body)
    {
        string? policy = Get(request, "propagationPolicy");
        string? uid = null;
        string? rv = null;
        var dryRun = false;
        if (body.Length > 0)
        {
            JsonObject options;
            try
            {
                options = JsonHelpers.ParseObject(body);
            }
            catch (FormatException ex)
            {
                throw ApiException.BadRequest($"the DeleteOptions body is not valid: {ex.Message}");
            }

            policy = options.GetString("propagationPolicy") ?? policy;
            if (options.GetBoolean("orphanDependents") is { } orphan)
            {
                policy ??= orphan ? "Orphan" : "Background";
            }

            uid = options.GetObject("preconditions")?.GetString("uid");
            rv = options.GetObject("preconditions")?.GetString("resourceVersion");
            dryRun = options.GetArray("dryRun")?.Any(d => JsonHelpers.ScalarText(d) == "All") == true;
        }

        return (new DeleteOptions { PropagationPolicy = policy, PreconditionUid = uid, PreconditionResourceVersion = rv }, dryRun);
    }
}
