using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Kubernetes.Tests.Models;

public sealed class KubernetesJsonTests
{
    private static Deployment Make(string label, int ready) => new()
    {
        Metadata = new ObjectMeta { Name = "d", Namespace = "n", Labels = new Dictionary<string, string> { ["app"] = label } },
        Status = new DeploymentStatus { ReadyReplicas = ready, Conditions = [new DeploymentCondition { Type = "Available", Status = "True" }] },
    };

    [Fact]
    public void Equal_content_in_distinct_collections_is_semantically_equal_though_not_record_equal()
    {
        var a = Make("web", 1);
        var b = Make("web", 1);

        Assert.NotEqual(a, b);
        Assert.True(KubernetesJson.SemanticEquals(a, b, Deployment.JsonTypeInfo));
        Assert.False(KubernetesJson.SemanticEquals(a, Make("web", 2), Deployment.JsonTypeInfo));
        Assert.False(KubernetesJson.SemanticEquals(a, Make("api", 1), Deployment.JsonTypeInfo));
        Assert.False(KubernetesJson.SemanticEquals(a, null, Deployment.JsonTypeInfo));
        Assert.True(KubernetesJson.SemanticEquals(null, null, Deployment.JsonTypeInfo));
    }

    [Fact]
    public void Deep_clone_shares_no_collections()
    {
        var a = Make("web", 1);

        var clone = KubernetesJson.DeepClone(a, Deployment.JsonTypeInfo);

        Assert.NotSame(a.Metadata.Labels, clone.Metadata.Labels);
        Assert.True(KubernetesJson.SemanticEquals(a, clone, Deployment.JsonTypeInfo));
    }
}
