using ModelOperator.ApiServer.Errors;
using ModelOperator.ApiServer.Watch;

namespace ModelOperator.ApiServer.Faults;

/// <summary>
/// Settable failure rules for tests: conflicts on every k-th write, ending all watches, 410 on the
/// next watch, 429 with Retry-After for the next n requests, added latency, and a window in which
/// the server stops answering. All rules are off until set; <see cref="Reset"/> turns them off again.
/// </summary>
public sealed class FaultInjector
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly WatchHub _hub;
    private int _conflictEvery;
    private string? _conflictResource;
    private long _writesSeen;
    private int _goneWatches;
    private int _throttled;
    private TimeSpan _retryAfter;
    private DateTimeOffset _silentUntil;

    internal FaultInjector(TimeProvider time, WatchHub hub)
    {
        _time = time;
        _hub = hub;
    }

    /// <summary>Delay added before every request is handled.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>
    /// Answers every <paramref name="k"/>-th write (create, update, patch, delete) with 409 Conflict,
    /// optionally only writes to <paramref name="resource"/> (plural, e.g. <c>deployments</c>). 0 turns it off.
    /// </summary>
    public void FailEveryKthWrite(int k, string? resource = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        lock (_gate)
        {
            _conflictEvery = k;
            _conflictResource = resource;
            _writesSeen = 0;
        }
    }

    /// <summary>Ends every open watch now; returns how many were ended.</summary>
    public int EndAllWatches() => _hub.EndAll();

    /// <summary>Answers the next <paramref name="count"/> watches with a 410 Gone ERROR event.</summary>
    public void GoneOnNextWatch(int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_gate)
        {
            _goneWatches = count;
        }
    }

    /// <summary>Answers the next <paramref name="count"/> requests with 429 and a Retry-After header.</summary>
    public void TooManyRequests(int count, TimeSpan retryAfter)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_gate)
        {
            _throttled = count;
            _retryAfter = retryAfter;
        }
    }

    /// <summary>Requests that arrive in the next <paramref name="duration"/> get no answer until it is over.</summary>
    public void StopAnswering(TimeSpan duration)
    {
        lock (_gate)
        {
            _silentUntil = _time.GetUtcNow() + duration;
        }
    }

    /// <summary>Turns every rule off.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _conflictEvery = 0;
            _conflictResource = null;
            _writesSeen = 0;
            _goneWatches = 0;
            _throttled = 0;
            _silentUntil = default;
        }

        Latency = TimeSpan.Zero;
    }

    /// <summary>Applies silence, latency and throttling before a request is handled.</summary>
    internal async Task BeforeRequestAsync(CancellationToken cancellationToken)
    {
        TimeSpan silence;
        lock (_gate)
        {
            silence = _silentUntil - _time.GetUtcNow();
        }

        if (silence > TimeSpan.Zero)
        {
            await Task.Delay(silence, _time, cancellationToken).ConfigureAwait(false);
        }

        var latency = Latency;
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, _time, cancellationToken).ConfigureAwait(false);
        }

        lock (_gate)
        {
            if (_throttled > 0)
            {
                _throttled--;
                throw ApiException.TooManyRequests(Math.Max(1, (int)Math.Ceiling(_retryAfter.TotalSeconds)));
            }
        }
    }

    /// <summary>True when this write should be answered with a conflict.</summary>
    internal bool ShouldFailWrite(string plural)
    {
        lock (_gate)
        {
            if (_conflictEvery == 0 || (_conflictResource is not null && _conflictResource != plural))
            {
                return false;
            }

            _writesSeen++;
            return _writesSeen % _conflictEvery == 0;
        }
    }

    /// <summary>True (once per armed count) when this watch should get 410 Gone.</summary>
    internal bool ConsumeGoneWatch()
    {
        lock (_gate)
        {
            if (_goneWatches == 0)
            {
                return false;
            }

            _goneWatches--;
            return true;
        }
    }
}
