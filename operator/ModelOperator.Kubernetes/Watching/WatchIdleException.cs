namespace ModelOperator.Kubernetes;

/// <summary>A watch stream sent nothing (not even a bookmark) for longer than its idle timeout and was abandoned.</summary>
public sealed class WatchIdleException : Exception
{
    public WatchIdleException()
        : base("The watch stream went silent.")
    {
    }

    public WatchIdleException(string message)
        : base(message)
    {
    }

    public WatchIdleException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public WatchIdleException(TimeSpan idleTimeout, Exception? innerException)
        : base($"The watch stream sent nothing for {idleTimeout.TotalSeconds:0.###} s and was abandoned.", innerException)
    {
        IdleTimeout = idleTimeout;
    }

    public TimeSpan IdleTimeout { get; }
}
