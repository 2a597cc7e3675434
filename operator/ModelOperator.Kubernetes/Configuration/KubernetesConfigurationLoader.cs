namespace ModelOperator.Kubernetes.Configuration;

/// <summary>Finds the configuration the way kubectl and client-go do by default: in-cluster when in a pod, else the kubeconfig.</summary>
public static class KubernetesConfigurationLoader
{
    /// <summary>
    /// In a pod (service environment variables set) and with no explicit <paramref name="kubeconfigPath"/> or
    /// <paramref name="context"/>: the service account. Otherwise the kubeconfig at <paramref name="kubeconfigPath"/>, or
    /// the merged <see cref="KubeConfigLoader.DefaultPaths"/>, with <paramref name="context"/> or the current-context.
    /// </summary>
    public static KubernetesConfiguration Load(
        string? kubeconfigPath = null,
        string? context = null,
        Func<string, string?>? getEnvironmentVariable = null)
    {
        if (string.IsNullOrEmpty(kubeconfigPath) && string.IsNullOrEmpty(context) && InClusterConfigLoader.IsInCluster(getEnvironmentVariable))
        {
            return InClusterConfigLoader.Load(getEnvironmentVariable);
        }

        return string.IsNullOrEmpty(kubeconfigPath)
            ? KubeConfigLoader.LoadFiles(KubeConfigLoader.DefaultPaths(getEnvironmentVariable), context)
            : KubeConfigLoader.LoadFile(kubeconfigPath, context);
    }
}
