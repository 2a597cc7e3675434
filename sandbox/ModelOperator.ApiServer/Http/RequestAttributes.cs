namespace ModelOperator.ApiServer.Http;

/// <summary>
/// What RBAC sees of a resource request (pure): API group, resource (with <c>/subresource</c>), verb, namespace and name,
/// from the method, path and query, as the Kubernetes API server derives them:
/// GET on a collection is <c>list</c>, or <c>watch</c> with <c>watch=true</c>; GET on an object is <c>get</c>; POST
/// <c>create</c>; PUT <c>update</c>; PATCH <c>patch</c>; DELETE <c>delete</c> (<c>deletecollection</c> on a collection).
/// Examples: <c>GET /apis/apps/v1/namespaces/ml/deployments?watch=true</c> → (apps, deployments, watch);
/// <c>PUT /apis/modeloperator.io/v1alpha1/namespaces/ml/modeldeployments/churn/status</c> →
/// (modeloperator.io, modeldeployments/status, update). Null for non-resource paths (<c>/version</c>, <c>/openapi/v3</c>,
/// discovery like <c>/apis/apps/v1</c>).
/// </summary>
public sealed record RequestAttributes(string Group, string Resource, string Verb, string? Namespace, string? Name)
{
    public static RequestAttributes? Of(string method, string path, string query)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(path);
        var parts = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        int rest;
        string group;
        if (parts.Length >= 2 && parts[0] == "api")
        {
            (group, rest) = (string.Empty, 2);
        }
        else if (parts.Length >= 3 && parts[0] == "apis")
        {
            (group, rest) = (parts[1], 3);
        }
        else
        {
            return null;
        }

        string? ns = null;
        if (parts.Length > rest + 1 && parts[rest] == "namespaces" && parts.Length > rest + 2)
        {
            ns = parts[rest + 1];
            rest += 2;
        }

        if (parts.Length <= rest)
        {
            return null; // discovery
        }

        var resource = parts[rest];
        var name = parts.Length > rest + 1 ? parts[rest + 1] : null;
        if (parts.Length > rest + 2)
        {
            resource += "/" + parts[rest + 2];
        }

        var watch = (query ?? string.Empty).TrimStart('?').Split('&').Any(p => p is "watch=true" or "watch=1");
        var verb = method.ToUpperInvariant() switch
        {
            "GET" when watch => "watch",
            "GET" => name is null ? "list" : "get",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => name is null ? "deletecollection" : "delete",
            _ => method.ToLowerInvariant(),
        };
        return new RequestAttributes(group, resource, verb, ns, name);
    }
}
