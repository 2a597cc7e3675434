using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ModelOperator.ControllerRuntime.LeaderElection;

/// <summary>How a term of leadership ended.</summary>
public enum LeadershipEnd
{
    /// <summary>The caller's token was cancelled (before or during leadership).</summary>
    Stopped,

    /// <summary>Renewal failed for the renew deadline, or another candidate holds the lock.</summary>
    Lost,
}

/// <summary>
/// Competes for an <see cref="ILeaseLock"/> and runs work only while it holds it (client-go's
/// <c>LeaderElector</c>). Whether another holder's lease has expired is judged by the LOCAL clock:
/// from when this candidate last saw the record change, never from the holder's renewTime, so clock
/// skew between machines cannot cut a term short. A leader that cannot renew within the renew deadline
/// cancels its work at once, which is before anyone else may take over (renew deadline &lt; lease duration).
/// </summary>
public sealed partial class LeaderElector
{
    private readonly ILeaseLock _lock;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LeaderElectionOptions _options;
    private LeaderElectionRecord? _observed;
    private long _observedAt;
    private volatile bool _isLeader;

    public LeaderElector(ILeaseLock leaseLock, TimeProvider timeProvider, ILogger<LeaderElector>? logger = null, LeaderElectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(leaseLock);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options ?? new LeaderElectionOptions();
        _options.Validate();
        _lock = leaseLock;
        _time = timeProvider;
        _logger = logger ?? NullLogger<LeaderElector>.Instance;
        Identity = _options.Identity ?? DefaultIdentity();
    }

    private enum Attempt
    {
        Acquired,
        HeldByOther,
        Failed,
    }

    public string Identity { get; }

    /// <summary>True while this candidate holds the lock and its work runs.</summary>
    public bool IsLeader => _isLeader;

    /// <summary>The pod name (<c>POD_NAME</c>) or host name, plus a random suffix so restarts are told apart.</summary>
    public static string DefaultIdentity()
    {
        var name = Environment.GetEnvironmentVariable("POD_NAME");
        if (string.IsNullOrWhiteSpace(name))
        {
            name = Environment.MachineName;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{name}_{Guid.NewGuid().ToString("N")[..8]}");
    }

    /// <summary>
    /// Campaigns until it holds the lock, then runs <paramref name="whileLeading"/> with a token that is
    /// cancelled the moment leadership ends, and renews until it is lost or <paramref name="cancellationToken"/>
    /// is cancelled. Waits for the work to finish, releases the lock on a graceful stop if configured, and
    /// tells how the term ended.
    /// </summary>
    public async Task<LeadershipEnd> RunAsync(Func<CancellationToken, Task> whileLeading, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(whileLeading);
        if (!await CampaignAsync(cancellationToken).ConfigureAwait(false))
        {
            return LeadershipEnd.Stopped;
        }

        _isLeader = true;
        Log.Acquired(_logger, Identity, _lock.Description);
        using var leading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var work = Task.Run(() => whileLeading(leading.Token), CancellationToken.None);
        var end = await RenewAsync(cancellationToken).ConfigureAwait(false);

        _isLeader = false;
        StopWork(leading);
        if (end == LeadershipEnd.Lost)
        {
            Log.Lost(_logger, Identity, _lock.Description);
        }

        try
        {
            await work.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (leading.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // The work's failure is logged; the term still ends in order.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.WorkFailed(_logger, ex, Identity);
        }

        if (end == LeadershipEnd.Stopped && _options.ReleaseOnCancel)
        {
            await ReleaseAsync().ConfigureAwait(false);
        }

        return end;
    }

    /// <summary>Cancels the leader's work synchronously, so it stops before this method returns control.</summary>
    private void StopWork(CancellationTokenSource leading)
    {
        try
        {
            leading.Cancel();
        }
        catch (AggregateException ex)
        {
            Log.WorkFailed(_logger, ex, Identity);
        }
    }

    /// <summary>Whether a lease held by someone else may be taken: it was released, or it has not changed for its duration.</summary>
    internal static bool CanTake(LeaderElectionRecord record, TimeSpan unchangedFor) =>
        string.IsNullOrEmpty(record.HolderIdentity) || unchangedFor >= record.LeaseDuration;

    private async Task<bool> CampaignAsync(CancellationToken cancellationToken)
    {
        Log.Campaigning(_logger, Identity, _lock.Description);
        try
        {
            while (await TryAcquireOrRenewAsync(cancellationToken).ConfigureAwait(false) != Attempt.Acquired)
            {
                await Task.Delay(_options.RetryPeriod, _time, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task<LeadershipEnd> RenewAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await Task.Delay(_options.RetryPeriod, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return LeadershipEnd.Stopped;
            }

            // One renewal round: retry every RetryPeriod until it succeeds or RenewDeadline has passed.
            // The deadline token only bounds a hanging API call; the loop itself runs on plain delays.
            var roundStart = _time.GetTimestamp();
            using var deadline = new CancellationTokenSource(_options.RenewDeadline, _time);
            using var round = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            try
            {
                while (true)
                {
                    var attempt = await TryAcquireOrRenewAsync(round.Token).ConfigureAwait(false);
                    if (attempt == Attempt.Acquired)
                    {
                        break;
                    }

                    var left = _options.RenewDeadline - _time.GetElapsedTime(roundStart);
                    if (attempt == Attempt.HeldByOther || left <= TimeSpan.Zero)
                    {
                        return LeadershipEnd.Lost;
                    }

                    await Task.Delay(left < _options.RetryPeriod ? left : _options.RetryPeriod, _time, cancellationToken).ConfigureAwait(false);
                    if (_time.GetElapsedTime(roundStart) >= _options.RenewDeadline)
                    {
                        return LeadershipEnd.Lost;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                return cancellationToken.IsCancellationRequested ? LeadershipEnd.Stopped : LeadershipEnd.Lost;
            }
        }
    }

    private async Task<Attempt> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        try
        {
            var current = await _lock.GetAsync(cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                var created = await _lock.CreateAsync(new LeaderElectionRecord(Identity, _options.LeaseDuration, now, now, 0), cancellationToken).ConfigureAwait(false);
                Observe(created.Record);
                return Attempt.Acquired;
            }

            Observe(current.Record);
            var record = current.Record;
            var ours = string.Equals(record.HolderIdentity, Identity, StringComparison.Ordinal);
            if (!ours && !CanTake(record, _time.GetElapsedTime(_observedAt)))
            {
                return Attempt.HeldByOther;
            }

            var desired = ours
                ? new LeaderElectionRecord(Identity, _options.LeaseDuration, record.AcquireTime ?? now, now, record.LeaseTransitions)
                : new LeaderElectionRecord(Identity, _options.LeaseDuration, now, now, record.LeaseTransitions + 1);
            var updated = await _lock.UpdateAsync(desired, current.Version, cancellationToken).ConfigureAwait(false);
            Observe(updated.Record);
            return Attempt.Acquired;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A failed attempt (conflict, network) is retried; it must not end the loop.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.AttemptFailed(_logger, ex, Identity, _lock.Description);
            return Attempt.Failed;
        }
    }

    private void Observe(LeaderElectionRecord record)
    {
        if (record != _observed)
        {
            _observed = record;
            _observedAt = _time.GetTimestamp();
        }
    }

    private async Task ReleaseAsync()
    {
        using var deadline = new CancellationTokenSource(_options.RenewDeadline, _time);
        try
        {
            var current = await _lock.GetAsync(deadline.Token).ConfigureAwait(false);
            if (current is null || !string.Equals(current.Record.HolderIdentity, Identity, StringComparison.Ordinal))
            {
                return;
            }

            var now = _time.GetUtcNow();
            var released = new LeaderElectionRecord(string.Empty, TimeSpan.FromSeconds(1), now, now, current.Record.LeaseTransitions);
            Observe((await _lock.UpdateAsync(released, current.Version, deadline.Token).ConfigureAwait(false)).Record);
            Log.Released(_logger, Identity, _lock.Description);
        }
#pragma warning disable CA1031 // Releasing is a courtesy; if it fails the lease simply expires.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.ReleaseFailed(_logger, ex, Identity, _lock.Description);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{Identity} is campaigning for {Lock}")]
        public static partial void Campaigning(ILogger logger, string identity, string @lock);

        [LoggerMessage(2, LogLevel.Information, "{Identity} became leader on {Lock}")]
        public static partial void Acquired(ILogger logger, string identity, string @lock);

        [LoggerMessage(3, LogLevel.Warning, "{Identity} lost leadership on {Lock}; its work is cancelled")]
        public static partial void Lost(ILogger logger, string identity, string @lock);

        [LoggerMessage(4, LogLevel.Debug, "{Identity} could not acquire or renew {Lock}")]
        public static partial void AttemptFailed(ILogger logger, Exception exception, string identity, string @lock);

        [LoggerMessage(5, LogLevel.Information, "{Identity} released {Lock}")]
        public static partial void Released(ILogger logger, string identity, string @lock);

        [LoggerMessage(6, LogLevel.Warning, "{Identity} could not release {Lock}; it will expire instead")]
        public static partial void ReleaseFailed(ILogger logger, Exception exception, string identity, string @lock);

        [LoggerMessage(7, LogLevel.Error, "The work of leader {Identity} failed")]
        public static partial void WorkFailed(ILogger logger, Exception exception, string identity);
    }
}
