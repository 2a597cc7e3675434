using ModelOperator.Kubernetes.Models;

namespace ModelOperator.ControllerRuntime.Informers;

/// <summary>The server ended a watch with an error status other than 410 Gone.</summary>
public sealed class WatchFailedException : Exception
{
    public WatchFailedException()
    {
    }

    public WatchFailedException(string message)
        : base(message)
    {
    }

    public WatchFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public WatchFailedException(Status? status)
        : base($"The watch ended with an error: {status?.Code} {status?.Reason}: {status?.Message}")
    {
        Status = status;
    }

    public Status? Status { get; }
}
