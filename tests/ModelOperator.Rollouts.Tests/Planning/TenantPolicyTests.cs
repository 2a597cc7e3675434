using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Rollouts.Planning;

namespace ModelOperator.Rollouts.Tests.Planning;

public sealed class TenantPolicyTests
{
    private const string Default = "modeloperator/modelserver:0.1.0";

    [Theory]
    [InlineData("registry.example.com/ml/server:1", "registry.example.com/ml/", true)]
    [InlineData("registry.example.com/ml/server:1", "registry.example.com/ml", true)] // the entry ends at a '/'
    [InlineData("registry.example.com/mlx/server:1", "registry.example.com/ml", false)] // a look-alike repository
    [InlineData("registry.example.com.evil.io/ml/server:1", "registry.example.com", false)] // a look-alike host
    [InlineData("ghcr.io/acme/modelserver:2", "ghcr.io/acme/modelserver", true)] // any tag of one repository
    [InlineData("ghcr.io/acme/modelserver@sha256:abc", "ghcr.io/acme/modelserver", true)] // or digest
    [InlineData("ghcr.io/acme/modelserver-debug:2", "ghcr.io/acme/modelserver", false)]
    [InlineData("ghcr.io/acme/modelserver:2", "ghcr.io/acme/modelserver:2", true)] // exactly one image
    [InlineData("ghcr.io/acme/modelserver:20", "ghcr.io/acme/modelserver:2", false)]
    [InlineData("ghcr.io/acme/modelserver:2", "ghcr.io/acme/modelserver:", true)]
    [InlineData(Default, "registry.example.com/ml/", true)] // the operator's default is always allowed
    [InlineData("docker.io/library/busybox", "", true)] // no allowlist: no restriction
    public void An_image_is_allowed_only_under_an_entry_at_a_boundary(string image, string entry, bool allowed)
    {
        IReadOnlyList<string> allowlist = entry.Length == 0 ? [] : [entry];

        Assert.Equal(allowed, TenantPolicy.IsImageAllowed(image, Default, allowlist));
    }

    [Theory]
    [InlineData("node-role.kubernetes.io/control-plane", "Exists", true)]
    [InlineData("node-role.kubernetes.io/master", "Equal", true)]
    [InlineData(null, "Exists", true)] // tolerates every taint, the control plane's included
    [InlineData("", "Exists", true)]
    [InlineData("nvidia.com/gpu", "Exists", false)]
    [InlineData("dedicated", "Equal", false)]
    public void Control_plane_tolerations_are_refused_without_the_opt_in(string? key, string op, bool refused)
    {
        var spec = new ModelDeploymentSpec { Runtime = new RuntimeSpec { Tolerations = [new Toleration { Key = "dedicated", Value = "ml" }, new Toleration { Key = key, Operator = op }] } };

        var closed = TenantPolicy.Check(spec, new OperatorSettings { DefaultImage = Default });
        var open = TenantPolicy.Check(spec, new OperatorSettings { DefaultImage = Default, AllowControlPlaneTolerations = true });

        Assert.Equal(refused, closed.Any(r => r.Reason == Reasons.TolerationNotAllowed && r.Problem.Path == "spec.runtime.tolerations[1]"));
        Assert.Equal(refused ? 1 : 0, closed.Count);
        Assert.Empty(open);
    }
}
