using System.Globalization;
using ModelOperator.ControllerRuntime.LeaderElection;

namespace ModelOperator.ControllerRuntime.Tests.Support;

/// <summary>One lease in memory with optimistic versions, shared by several candidates.</summary>
internal sealed class LeaseStore
{
    private readonly Lock _gate = new();
    private LeaseLockState? _state;
    private int _version;

    public LeaseLockState? Current
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    public int Writes { get; private set; }

    public LeaseLockState? Get()
    {
        lock (_gate)
        {
            return _state;
        }
    }

    public LeaseLockState Create(LeaderElectionRecord record)
    {
        lock (_gate)
        {
            if (_state is not null)
            {
                throw new InvalidOperationException("already exists");
            }

            return Write(record);
        }
    }

    public LeaseLockState Update(LeaderElectionRecord record, string version)
    {
        lock (_gate)
        {
            if (_state is null || _state.Version != version)
            {
                throw new InvalidOperationException("conflict");
            }

            return Write(record);
        }
    }

    /// <summary>Overwrites the record, as another writer would.</summary>
    public void Force(LeaderElectionRecord record)
    {
        lock (_gate)
        {
            Write(record);
        }
    }

    private LeaseLockState Write(LeaderElectionRecord record)
    {
        _version++;
        Writes++;
        _state = new LeaseLockState(record, _version.ToString(CultureInfo.InvariantCulture));
        return _state;
    }
}

/// <summary>One candidate's view of a <see cref="LeaseStore"/>; can be cut off to simulate a partition.</summary>
internal sealed class FakeLeaseLock(LeaseStore store) : ILeaseLock
{
    private volatile bool _cutOff;

    public string Description => "Lease test/leader";

    /// <summary>When true, every call fails as if the API server were unreachable.</summary>
    public bool CutOff
    {
        get => _cutOff;
        set => _cutOff = value;
    }

    public int Calls { get; private set; }

    public Task<LeaseLockState?> GetAsync(CancellationToken cancellationToken) => Call(store.Get);

    public Task<LeaseLockState> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken) => Call(() => store.Create(record));

    public Task<LeaseLockState> UpdateAsync(LeaderElectionRecord record, string version, CancellationToken cancellationToken) => Call(() => store.Update(record, version));

    private Task<T> Call<T>(Func<T> action)
    {
        Calls++;
        if (_cutOff)
        {
            return Task.FromException<T>(new HttpRequestException("connection refused"));
        }

        try
        {
            return Task.FromResult(action());
        }
        catch (InvalidOperationException ex)
        {
            return Task.FromException<T>(ex);
        }
    }
}
