namespace ModelOperator.ControllerRuntime.LeaderElection;

/// <summary>
/// The storage a leader elector competes for (client-go's <c>resourcelock.Interface</c>).
/// Writes are optimistic: a create fails if the lock exists, an update fails if the version moved on.
/// </summary>
public interface ILeaseLock
{
    /// <summary>For logs, e.g. <c>Lease kube-system/modeloperator</c>.</summary>
    string Description { get; }

    /// <summary>The current record, or null when the lock does not exist.</summary>
    Task<LeaseLockState?> GetAsync(CancellationToken cancellationToken);

    /// <summary>Creates the lock with <paramref name="record"/>; throws when it already exists.</summary>
    Task<LeaseLockState> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken);

    /// <summary>Replaces the record if the lock is still at <paramref name="version"/>; throws otherwise.</summary>
    Task<LeaseLockState> UpdateAsync(LeaderElectionRecord record, string version, CancellationToken cancellationToken);
}
