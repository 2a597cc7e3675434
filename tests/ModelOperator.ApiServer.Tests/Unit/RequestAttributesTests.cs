using ModelOperator.ApiServer.Http;

namespace ModelOperator.ApiServer.Tests.Unit;

public sealed class RequestAttributesTests
{
    [Theory]
    [InlineData("GET", "/apis/apps/v1/namespaces/ml/deployments", "?watch=true&resourceVersion=5", "apps", "deployments", "watch", "ml", null)]
    [InlineData("GET", "/apis/apps/v1/namespaces/ml/deployments", "?limit=500", "apps", "deployments", "list", "ml", null)]
    [InlineData("GET", "/api/v1/pods", "", "", "pods", "list", null, null)]
    [InlineData("GET", "/api/v1/namespaces/ml/services/churn", "", "", "services", "get", "ml", "churn")]
    [InlineData("PUT", "/apis/modeloperator.io/v1alpha1/namespaces/ml/modeldeployments/churn/status", "", "modeloperator.io", "modeldeployments/status", "update", "ml", "churn")]
    [InlineData("PATCH", "/apis/modeloperator.io/v1alpha1/namespaces/ml/modeldeployments/churn", "", "modeloperator.io", "modeldeployments", "patch", "ml", "churn")]
    [InlineData("POST", "/api/v1/namespaces/ml/events", "", "", "events", "create", "ml", null)]
    [InlineData("DELETE", "/apis/apps/v1/namespaces/ml/deployments/churn-1", "", "apps", "deployments", "delete", "ml", "churn-1")]
    [InlineData("DELETE", "/api/v1/namespaces/ml/pods", "", "", "pods", "deletecollection", "ml", null)]
    [InlineData("GET", "/api/v1/namespaces/default", "", "", "namespaces", "get", null, "default")]
    [InlineData("POST", "/apis/coordination.k8s.io/v1/namespaces/ops/leases", "", "coordination.k8s.io", "leases", "create", "ops", null)]
    public void A_request_maps_to_what_rbac_checks(string method, string path, string query, string group, string resource, string verb, string? ns, string? name)
    {
        Assert.Equal(new RequestAttributes(group, resource, verb, ns, name), RequestAttributes.Of(method, path, query));
    }

    [Theory]
    [InlineData("/version")]
    [InlineData("/openapi/v3")]
    [InlineData("/apis/apps/v1")]
    [InlineData("/api/v1")]
    [InlineData("/apis")]
    public void Non_resource_and_discovery_paths_map_to_nothing(string path)
    {
        Assert.Null(RequestAttributes.Of("GET", path, string.Empty));
    }
}
