namespace ModelOperator.Kubernetes.Configuration;

/// <summary>The client configuration is missing or invalid; the message names the file, context or field.</summary>
public sealed class KubernetesConfigurationException : Exception
{
    public KubernetesConfigurationException()
        : base("The Kubernetes client configuration is invalid.")
    {
    }

    public KubernetesConfigurationException(string message)
        : base(message)
    {
    }

    public KubernetesConfigurationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
