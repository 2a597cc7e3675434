using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Children;
using ModelOperator.Operator.Settings;

namespace ModelOperator.Operator.Tests.Children;

public sealed class ChildBuilderTests
{
    private static readonly OperatorOptions Options = new();

    [Fact]
    public void Deployment_of_a_pvc_model_with_a_profile_matches_the_golden_file()
    {
        var md = Samples.Churn();
        var deployment = DeploymentBuilder.Build(md, Samples.Revision(md, "churn-0a1b2c3d4e", 3), Options);

        Golden.Verify("deployment-pvc.json", Samples.Json(deployment));
    }

    [Fact]
    public void Deployment_of_an_http_model_uses_the_default_image_and_mounts_no_claim()
    {
        var md = Samples.Churn(s => s with
        {
            Model = new ModelSource { Name = "churn", Version = "1", Uri = "https://models.example.com/churn/1/model.onnx", Sha256 = Samples.Sha },
            Runtime = null,
        });
        var deployment = DeploymentBuilder.Build(md, Samples.Revision(md, "churn-9f8e7d6c5b", 1), Options);

        Golden.Verify("deployment-http.json", Samples.Json(deployment));
        var container = Assert.Single(deployment.Spec!.Template!.Spec!.Containers!);
        Assert.Equal(Options.DefaultImage, container.Image);
        Assert.Equal("https://models.example.com/churn/1/model.onnx", container.Env!.Single(e => e.Name == "MODEL_URI").Value);
        Assert.DoesNotContain(deployment.Spec.Template.Spec.Volumes!, v => v.PersistentVolumeClaim is not null);
    }

    [Fact]
    public void The_pod_runs_under_the_restricted_security_profile()
    {
        var md = Samples.Churn();
        var pod = DeploymentBuilder.Build(md, Samples.Revision(md, "churn-0a1b2c3d4e", 3), Options).Spec!.Template!.Spec!;
        var security = Assert.Single(pod.Containers!).SecurityContext!;

        Assert.False(pod.AutomountServiceAccountToken);
        Assert.True(pod.SecurityContext!.RunAsNonRoot);
        Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile!.Type);
        Assert.True(security.RunAsNonRoot);
        Assert.True(security.ReadOnlyRootFilesystem);
        Assert.False(security.AllowPrivilegeEscalation);
        Assert.Equal(["ALL"], security.Capabilities!.Drop!);
    }

    [Fact]
    public void The_revision_spec_annotation_reads_back_the_model_and_runtime()
    {
        var md = Samples.Churn();
        var deployment = DeploymentBuilder.Build(md, Samples.Revision(md, "churn-0a1b2c3d4e", 3), Options);

        var spec = DeploymentBuilder.ReadRevisionSpec(deployment);

        Assert.Equal(md.Spec!.Model, spec!.Model);
        Assert.Equal("2ms", spec.Runtime!.Batching!.MaxBatchDelay);
        Assert.Null(DeploymentBuilder.ReadRevisionSpec(deployment with { Metadata = deployment.Metadata with { Annotations = new Dictionary<string, string> { [ChildNames.RevisionSpecAnnotation] = "{not json" } } }));
    }

    [Fact]
    public void User_env_cannot_override_what_the_operator_sets_from_the_spec()
    {
        var runtime = new RuntimeSpec { Env = [new EnvVar { Name = "MODEL_URI", Value = "/elsewhere" }, new EnvVar { Name = "EXTRA", Value = "1" }] };
        var md = Samples.Churn(s => s with { Runtime = runtime });
        var (env, _) = DeploymentBuilder.Environment(Samples.Revision(md, "churn-0a1b2c3d4e", 1).Spec!, 8080);

        Assert.Single(env, e => e.Name == "MODEL_URI");
        Assert.Equal("/mnt/pvc/models/churn/2/model.onnx", env.Single(e => e.Name == "MODEL_URI").Value);
        Assert.Equal("EXTRA", env[^1].Name);
    }

    [Theory]
    [InlineData("pvc://models/churn/1/model.onnx", "/mnt/pvc/models/churn/1/model.onnx", "models")]
    [InlineData("pvc://shared.store/a.onnx", "/mnt/pvc/shared.store/a.onnx", "shared.store")]
    [InlineData("/models/a.onnx", "/models/a.onnx", null)]
    [InlineData("file:///models/a.onnx", "file:///models/a.onnx", null)]
    [InlineData("s3://bucket/key.onnx", "s3://bucket/key.onnx", null)]
    public void Model_uris_resolve_to_what_the_server_reads(string uri, string serverUri, string? claim)
    {
        Assert.Equal((serverUri, claim), ModelUri.Resolve(uri));
    }

    [Theory]
    [InlineData("pvc://models")]
    [InlineData("pvc://models/")]
    [InlineData("pvc:///a.onnx")]
    public void A_pvc_uri_without_claim_or_path_is_refused_with_the_allowed_form(string uri)
    {
        var e = Assert.Throws<ArgumentException>(() => ModelUri.Resolve(uri));
        Assert.Contains("pvc://CLAIM/PATH", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Services_and_hpa_match_the_golden_files()
    {
        var md = Samples.Churn();

        Golden.Verify("service-main.json", Samples.Json(ServiceBuilder.BuildMain(md)));
        Golden.Verify("service-revision.json", Samples.Json(ServiceBuilder.BuildRevision(md, "churn-0a1b2c3d4e")));
        Golden.Verify("hpa.json", Samples.Json(PinnedHpaBuilder.Build(md, Samples.Revision(md, "churn-0a1b2c3d4e", 4))));
    }

    [Fact]
    public void Http_route_weights_replace_the_backends_of_the_rules_pointing_at_the_model_deployment_and_keep_the_rest()
    {
        // Given a route with a rule for the ModelDeployment's main Service and a rule for another team's Service
        var route = new HttpRoute
        {
            Metadata = new ObjectMeta { Name = "churn", Namespace = "ml" },
            Spec = new HttpRouteSpec
            {
                ParentRefs = [new ParentReference { Name = "gateway" }],
                Rules =
                [
                    new HttpRouteRule { Name = "predict", BackendRefs = [new HttpBackendRef { Name = "churn", Port = 80 }] },
                    new HttpRouteRule { Name = "docs", BackendRefs = [new HttpBackendRef { Name = "docs-site", Port = 8080, Weight = 1 }] },
                ],
            },
        };
        var ours = new HashSet<string>(["churn", "churn-aaaaaaaaaa", "churn-bbbbbbbbbb"], StringComparer.Ordinal);

        var weighted = HttpRouteWeights.Apply(route, ours, "churn-aaaaaaaaaa", "churn-bbbbbbbbbb", 25);
        var noCanary = HttpRouteWeights.Apply(weighted, ours, "churn-aaaaaaaaaa", null, 0);

        // Then only the first rule's backends are the weighted revision Services; the other rule is untouched
        Golden.Verify("httproute-25.json", Samples.Json(weighted));
        Assert.Equal(["predict", "docs"], weighted.Spec!.Rules!.Select(r => r.Name));
        Assert.Equal([75, 25], weighted.Spec.Rules![0].BackendRefs!.Select(b => b.Weight!.Value));
        Assert.Equal(route.Spec.Rules![1], weighted.Spec.Rules[1]);
        Assert.Equal(100, Assert.Single(noCanary.Spec!.Rules![0].BackendRefs!).Weight);
        Assert.Equal(route.Spec.Rules[1], noCanary.Spec.Rules[1]);
    }

    [Fact]
    public void Children_are_owned_by_the_model_deployment_as_controller()
    {
        var md = Samples.Churn();
        var owner = Assert.Single(ServiceBuilder.BuildMain(md).Metadata.OwnerReferences!);

        Assert.Equal(("modeloperator.io/v1alpha1", "ModelDeployment", "churn", md.Metadata.Uid), (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid));
        Assert.True(owner.Controller);
        Assert.Throws<ArgumentException>(() => ChildNames.OwnerOf(md with { Metadata = md.Metadata with { Uid = null } }));
    }
}
