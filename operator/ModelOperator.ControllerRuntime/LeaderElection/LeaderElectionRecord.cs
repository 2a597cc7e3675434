namespace ModelOperator.ControllerRuntime.LeaderElection;

/// <summary>
/// What a lock stores about its holder (client-go's <c>LeaderElectionRecord</c>, kept in a Lease's spec).
/// An empty <see cref="HolderIdentity"/> means the lock was released.
/// </summary>
public sealed record LeaderElectionRecord(
    string HolderIdentity,
    TimeSpan LeaseDuration,
    DateTimeOffset? AcquireTime,
    DateTimeOffset? RenewTime,
    int LeaseTransitions);

/// <summary>A record as read from the lock, with the version to use for an optimistic update.</summary>
public sealed record LeaseLockState(LeaderElectionRecord Record, string Version);
