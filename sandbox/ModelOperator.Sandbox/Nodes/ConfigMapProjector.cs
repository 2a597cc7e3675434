using Microsoft.Extensions.Logging;
using ModelOperator.ControllerRuntime.Informers;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Sandbox.Proxy;

namespace ModelOperator.Sandbox.Nodes;

/// <summary>
/// The node agent's configMap volumes, as a kubelet keeps them: every <see cref="Period"/> each running pod's configMap
/// volume folder (<see cref="VolumePaths"/>) is made to hold the ConfigMap's keys as files (<see cref="ConfigMapFiles"/>,
/// Service URLs resolved to loopback ports), so a change reaches the process within seconds without a restart, and a
/// deleted ConfigMap leaves an empty folder.
/// </summary>
public sealed partial class ConfigMapProjector(Informer<ConfigMap> configMaps, Informer<Service> services, Informer<Pod> pods, string volumeRoot, ILogger logger)
{
    /// <summary>How often the folders are brought up to date (a kubelet's sync is about a minute; the sandbox is quicker).</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    /// <summary>Brings the configMap folders of <paramref name="running"/> pods up to date.</summary>
    public void Sync(IEnumerable<Pod> running)
    {
        ArgumentNullException.ThrowIfNull(running);
        foreach (var pod in running)
        {
            foreach (var volume in pod.Spec?.Volumes ?? [])
            {
                if (volume.ConfigMap is not { Name: { } name })
                {
                    continue;
                }

                var folder = Path.Combine(VolumePaths.PodFolder(pod, volumeRoot), volume.Name);
                try
                {
                    var configMap = configMaps.Cache.Get(new ObjectKey(pod.Metadata.Namespace ?? string.Empty, name));
                    ConfigMapFiles.Write(folder, ConfigMapFiles.For(configMap, Port));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Log.WriteFailed(logger, folder, e.Message);
                }
            }
        }
    }

    /// <summary>The loopback port of the first ready pod of Service <paramref name="name"/>, or null.</summary>
    private int? Port(string @namespace, string name) =>
        services.Cache.Get(new ObjectKey(@namespace, name)) is { } service && ProxyRouting.ReadyEndpoints(service, pods.Cache.List(@namespace)) is { Count: > 0 } endpoints
            ? endpoints[0].Port
            : null;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "configMap volume {Folder}: {Error}")]
        public static partial void WriteFailed(ILogger logger, string folder, string error);
    }
}
