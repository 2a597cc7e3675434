using ModelOperator.Contracts;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Operator.Children;

/// <summary>
/// What every revision's pod template carries so that its server can mirror when it is the stable one
/// (<see cref="ShadowContract"/>): the ConfigMap <c>&lt;md-name&gt;-shadow</c> mounted optional (absent outside a
/// shadow step: an empty folder), the variable naming the instruction file, and the pod's own revision, which the server
/// compares with the instruction's source. A mounted ConfigMap's files change without a restart, so the share can
/// change while the rollout runs.
/// </summary>
public static class ShadowPodTemplate
{
    public const string VolumeName = "shadow";

    /// <summary>The instruction file's path on the server container.</summary>
    public const string ConfigFile = ShadowContract.MountPath + "/" + ShadowContract.ConfigKey;

    /// <summary>Adds the volume, its read-only mount and the two variables (replacing any variable of the same name).</summary>
    public static void Add(string deploymentName, string revision, List<EnvVar> env, List<Volume> volumes, List<VolumeMount> mounts)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(volumes);
        ArgumentNullException.ThrowIfNull(mounts);
        env.RemoveAll(e => e.Name is ShadowContract.ConfigFileEnv or ShadowContract.RevisionEnv);
        env.Add(new EnvVar { Name = ShadowContract.ConfigFileEnv, Value = ConfigFile });
        env.Add(new EnvVar { Name = ShadowContract.RevisionEnv, Value = revision });
        volumes.Add(new Volume { Name = VolumeName, ConfigMap = new ConfigMapVolumeSource { Name = ShadowChildren.ConfigMapName(deploymentName), Optional = true } });
        mounts.Add(new VolumeMount { Name = VolumeName, MountPath = ShadowContract.MountPath, ReadOnly = true });
    }
}
