namespace ModelOperator.Runtime.Server.Endpoints;

/// <summary>Matches a request's {name} and optional {version} route values against the one model served.</summary>
internal static class ModelRoute
{
    /// <summary>Null when the route names the served model (and version, if given); otherwise the 404 message.</summary>
    public static string? Mismatch(HttpContext context, string modelName, string modelVersion) =>
        Mismatch(context.Request.RouteValues["name"] as string, context.Request.RouteValues["version"] as string, modelName, modelVersion);

    /// <summary>The same for a name and version given another way (gRPC's fields); a null version means any.</summary>
    public static string? Mismatch(string? name, string? version, string modelName, string modelVersion)
    {
        if (!string.Equals(name, modelName, StringComparison.Ordinal))
        {
            return $"unknown model \"{ErrorBodies.Shown(name)}\"; this server serves \"{modelName}\"";
        }

        return version is not null && !string.Equals(version, modelVersion, StringComparison.Ordinal)
            ? $"unknown version \"{ErrorBodies.Shown(version)}\" of model \"{ErrorBodies.Shown(name)}\"; this server serves version \"{modelVersion}\""
            : null;
    }
}
