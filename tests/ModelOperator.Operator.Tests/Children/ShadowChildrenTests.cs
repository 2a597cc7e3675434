using ModelOperator.Contracts;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Children;
using ModelOperator.Operator.Settings;
using ModelOperator.Rollouts.Planning;

namespace ModelOperator.Operator.Tests.Children;

public sealed class ShadowChildrenTests
{
    [Fact]
    public void The_instruction_names_stable_as_source_and_the_canary_Service_by_its_cluster_DNS_name()
    {
        var md = Samples.Churn();

        var configMap = Assert.Single(ShadowChildren.ConfigMaps(md, new ShadowPlan("churn-1111111111", "churn-2222222222", 20, 0.01)));

        Assert.Equal("churn-shadow", configMap.Metadata.Name);
        Assert.Equal("ml", configMap.Metadata.Namespace);
        Assert.Equal(md.Metadata.Uid, Assert.Single(configMap.Metadata.OwnerReferences!).Uid);
        Assert.Equal("modeloperator", configMap.Metadata.Labels!["app.kubernetes.io/managed-by"]);
        Assert.Equal("""{"source":"churn-1111111111","target":"http://churn-2222222222.ml.svc:80","percent":20,"tolerance":0.01}""",
            configMap.Data![ShadowContract.ConfigKey]);
    }

    [Fact]
    public void Outside_a_shadow_step_there_is_no_instruction_and_no_extra_Service()
    {
        var md = Samples.Churn();
        IReadOnlyList<Service> services = [ServiceBuilder.BuildMain(md)];

        Assert.Empty(ShadowChildren.ConfigMaps(md, null));
        Assert.Same(services, ShadowChildren.WithTargetService(md, services, null));
    }

    [Fact]
    public void The_canary_gets_its_own_Service_once_not_twice()
    {
        var md = Samples.Churn();
        var shadow = new ShadowPlan("churn-1111111111", "churn-2222222222", 20, 0.01);

        var replicas = ShadowChildren.WithTargetService(md, [ServiceBuilder.BuildMain(md, "churn-1111111111")], shadow);
        var gateway = ShadowChildren.WithTargetService(md, [ServiceBuilder.BuildMain(md), ServiceBuilder.BuildRevision(md, "churn-2222222222")], shadow);

        Assert.Equal(["churn", "churn-2222222222"], replicas.Select(s => s.Metadata.Name));
        Assert.Equal("churn-2222222222", replicas[1].Spec!.Selector![ModelOperator.Api.Labels.Revision]);
        Assert.Equal(["churn", "churn-2222222222"], gateway.Select(s => s.Metadata.Name));
    }

    [Fact]
    public void Every_revision_mounts_the_instruction_optionally_and_knows_its_own_name()
    {
        // A user variable of the same name does not win over the operator's
        var md = Samples.Churn(s => s with { Runtime = s.Runtime! with { Env = [new EnvVar { Name = ShadowContract.ConfigFileEnv, Value = "/elsewhere" }] } });

        var deployment = DeploymentBuilder.Build(md, Samples.Revision(md, "churn-2222222222", 2), new OperatorOptions());

        var pod = deployment.Spec!.Template!.Spec!;
        var volume = Assert.Single(pod.Volumes!, v => v.Name == ShadowPodTemplate.VolumeName);
        Assert.Equal(("churn-shadow", true), (volume.ConfigMap!.Name, volume.ConfigMap.Optional));
        var mount = Assert.Single(pod.Containers![0].VolumeMounts!, m => m.Name == ShadowPodTemplate.VolumeName);
        Assert.Equal((ShadowContract.MountPath, (bool?)true), (mount.MountPath, mount.ReadOnly));
        var env = pod.Containers[0].Env!;
        Assert.Equal("/etc/modeloperator/shadow/shadow.json", Assert.Single(env, e => e.Name == ShadowContract.ConfigFileEnv).Value);
        Assert.Equal("churn-2222222222", Assert.Single(env, e => e.Name == ShadowContract.RevisionEnv).Value);
    }
}
