namespace ModelOperator.ControllerRuntime.Informers;

/// <summary>What a manager needs from an informer of any kind: run it and wait for its first sync.</summary>
public interface IInformer
{
    /// <summary>The kind it caches, for logs.</summary>
    string Kind { get; }

    bool HasSynced { get; }

    Task RunAsync(CancellationToken cancellationToken);

    Task WaitForSyncAsync(CancellationToken cancellationToken);
}
