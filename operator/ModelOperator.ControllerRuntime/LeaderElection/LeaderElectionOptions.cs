namespace ModelOperator.ControllerRuntime.LeaderElection;

/// <summary>
/// Timing of leader election; the defaults are client-go's and controller-runtime's. A leader that cannot
/// renew for <see cref="RenewDeadline"/> steps down; others take over once they have seen the lease
/// unchanged for <see cref="LeaseDuration"/>, so a leader always steps down before anyone else can lead.
/// </summary>
public sealed record LeaderElectionOptions
{
    /// <summary>How long others wait, after last seeing the lease change, before taking it. Default 15 s.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the leader keeps retrying a failed renewal before it steps down. Default 10 s.</summary>
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The pause between attempts to acquire or renew. Default 2 s.</summary>
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Clear the lease on a graceful stop so another replica can take over at once. Default true.</summary>
    public bool ReleaseOnCancel { get; init; } = true;

    /// <summary>This candidate's identity; defaults to <see cref="LeaderElector.DefaultIdentity"/>.</summary>
    public string? Identity { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting and what is allowed.</summary>
    public void Validate()
    {
        if (RetryPeriod <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(RetryPeriod)} is {RetryPeriod}; it must be positive.");
        }

        if (RenewDeadline <= RetryPeriod)
        {
            throw new ArgumentException($"{nameof(RenewDeadline)} ({RenewDeadline}) must be longer than {nameof(RetryPeriod)} ({RetryPeriod}).");
        }

        if (LeaseDuration <= RenewDeadline)
        {
            throw new ArgumentException($"{nameof(LeaseDuration)} ({LeaseDuration}) must be longer than {nameof(RenewDeadline)} ({RenewDeadline}), so a leader steps down before its lease can be taken.");
        }

        if (Identity is { Length: 0 })
        {
            throw new ArgumentException($"{nameof(Identity)} is empty; leave it null for the default or give a unique name.");
        }
    }
}
