namespace ModelOperator.Kubernetes.Configuration;

/// <summary>Picks the configuration the way client-go does by default: in-cluster when in a pod, else the kubeconfig.</summary>
public static class KubernetesConfigurationLoader
{
    /// <summary>
    /// In a pod (service environment variables set) and with no explicit <paramref name="kubeconfigPath"/>: the service account.
    /// Otherwise the kubeconfig at <paramref name="kubeconfigPath"/> or <see cref="KubeConfigLoader.DefaultPath"/>,
    /// with <paramref name="context"/> or its current-context.
    /// </summary>
    public static KubernetesConfiguration Load(
        string? kubeconfigPath = null,
        string? context = null,
        Func<string, string?>? getEnvironmentVariable = null,
        TimeProvider? timeProvider = null)
    {
        if (string.IsNullOrEmpty(kubeconfigPath) && string.IsNullOrEmpty(context) && InClusterConfigLoader.IsInCluster(getEnvironmentVariable))
        {
            return InClusterConfigLoader.Load(getEnvironmentVariable, timeProvider: timeProvider);
        }

        var path = string.IsNullOrEmpty(kubeconfigPath) ? KubeConfigLoader.DefaultPath(getEnvironmentVariable) : kubeconfigPath;
        return KubeConfigLoader.LoadFile(path, context, timeProvider);
    }
}
