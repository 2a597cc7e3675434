namespace ModelOperator.Sandbox;

/// <summary>Labels, annotations and reasons the sandbox writes, in one place.</summary>
public static class SandboxNames
{
    /// <summary>Label on every pod of a Deployment: the hash of the pod template it was made from (as the real controller sets it).</summary>
    public const string PodTemplateHashLabel = "pod-template-hash";

    /// <summary>Annotation the node agent sets on a pod: the loopback port its process listens on. The proxy reads it.</summary>
    public const string PortAnnotation = "modeloperator.io/sandbox-port";

    /// <summary>Annotation the node agent sets on a pod: the loopback port of its process's gRPC service (GRPC_PORT).</summary>
    public const string GrpcPortAnnotation = "modeloperator.io/sandbox-grpc-port";

    /// <summary>Waiting reason of a container whose process keeps exiting.</summary>
    public const string CrashLoopBackOff = "CrashLoopBackOff";

    /// <summary>Waiting reason of a container the agent cannot start (e.g. an env var from a Secret).</summary>
    public const string CreateContainerConfigError = "CreateContainerConfigError";

    /// <summary>Waiting reason before the first start.</summary>
    public const string ContainerCreating = "ContainerCreating";

    /// <summary>Reason of a False Ready/ContainersReady pod condition.</summary>
    public const string ContainersNotReady = "ContainersNotReady";
}
