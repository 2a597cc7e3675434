using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Sandbox.Nodes;

/// <summary>
/// Where a container's volume mounts live on this machine. A local process cannot have a mount namespace of its own, so
/// instead of mounting, the agent rewrites every env value and argument that names a path under a mount's
/// <c>mountPath</c> to the same path under the volume's local folder (longest mount path first):
/// <list type="bullet">
/// <item><c>persistentVolumeClaim</c>: the folder the agent was given for that claim name (a claim the agent does not know is
/// an error, as an unbound claim is in a cluster);</item>
/// <item><c>emptyDir</c>: a fresh folder for the pod, <c>&lt;volumeRoot&gt;/&lt;pod uid&gt;/&lt;volume&gt;</c>, removed with the pod;</item>
/// <item><c>configMap</c>: a folder of the same kind, which <see cref="ConfigMapProjector"/> fills with the ConfigMap's keys
/// and keeps current.</item>
/// </list>
/// Other volume kinds (secret, ...) are refused with a message. Example: the mount <c>/mnt/pvc/models</c> of
/// claim <c>models</c> given as <c>examples/models</c> turns <c>MODEL_URI=/mnt/pvc/models/churn/1/model.onnx</c> into
/// <c>examples/models/churn/1/model.onnx</c> (made absolute).
/// </summary>
public sealed record VolumePaths(IReadOnlyList<(string MountPath, string LocalPath)> Mounts)
{
    /// <summary>The local folders for the first container of <paramref name="pod"/>, or an error saying which volume cannot be provided.</summary>
    public static (VolumePaths? Paths, string? Error) Resolve(Pod pod, IReadOnlyDictionary<string, string> claims, string volumeRoot)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(claims);
        var container = pod.Spec?.Containers?.FirstOrDefault();
        var volumes = (pod.Spec?.Volumes ?? []).ToDictionary(v => v.Name, StringComparer.Ordinal);
        var mounts = new List<(string, string)>();
        foreach (var mount in container?.VolumeMounts ?? [])
        {
            if (!volumes.TryGetValue(mount.Name, out var volume))
            {
                return (null, $"volumeMount {mount.Name} names no volume of the pod");
            }

            string local;
            if (volume.PersistentVolumeClaim is { } pvc)
            {
                if (!claims.TryGetValue(pvc.ClaimName, out var folder))
                {
                    return (null, $"persistentvolumeclaim \"{pvc.ClaimName}\" not found: the sandbox node agent provides the claims {Known(claims)}");
                }

                local = Path.GetFullPath(folder);
            }
            else if (volume.EmptyDir is not null || volume.ConfigMap is not null)
            {
                local = Path.Combine(PodFolder(pod, volumeRoot), volume.Name);
            }
            else
            {
                return (null, $"volume {volume.Name} is not an emptyDir, a configMap or a persistentVolumeClaim; the sandbox node agent provides only those");
            }

            if (!string.IsNullOrEmpty(mount.SubPath))
            {
                local = Path.Combine(local, mount.SubPath);
            }

            mounts.Add((mount.MountPath.TrimEnd('/'), local));
        }

        mounts.Sort((a, b) => b.Item1.Length.CompareTo(a.Item1.Length));
        return (new VolumePaths(mounts), null);
    }

    /// <summary><paramref name="value"/> with a leading mount path replaced by its local folder; unchanged when it names no mount.</summary>
    public string Rewrite(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        foreach (var (mountPath, localPath) in Mounts)
        {
            if (value == mountPath)
            {
                return localPath;
            }

            if (value.StartsWith(mountPath + "/", StringComparison.Ordinal))
            {
                return localPath + value[mountPath.Length..];
            }

            if (value.StartsWith("file://" + mountPath + "/", StringComparison.Ordinal))
            {
                return "file://" + localPath + value[("file://" + mountPath).Length..];
            }
        }

        return value;
    }

    /// <summary>The folder of one pod's emptyDir volumes (by UID; by name for a pod without one), removed with the pod.</summary>
    public static string PodFolder(Pod pod, string volumeRoot)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var key = string.IsNullOrEmpty(pod.Metadata.Uid) ? pod.Metadata.Name ?? "pod" : pod.Metadata.Uid;
        return Path.GetFullPath(Path.Combine(volumeRoot, key));
    }

    /// <summary>The emptyDir folders to create before the start (and remove after the pod).</summary>
    public IEnumerable<string> EmptyDirs(string volumeRoot)
    {
        var root = Path.GetFullPath(volumeRoot);
        return Mounts.Select(m => m.LocalPath).Where(p => p.StartsWith(root, StringComparison.Ordinal));
    }

    private static string Known(IReadOnlyDictionary<string, string> claims) =>
        claims.Count == 0 ? "(none)" : string.Join(", ", claims.Keys.Order(StringComparer.Ordinal));
}
