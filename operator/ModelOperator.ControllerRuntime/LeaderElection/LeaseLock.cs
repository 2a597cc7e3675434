using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.ControllerRuntime.LeaderElection;

/// <summary>An <see cref="ILeaseLock"/> on a coordination.k8s.io/v1 Lease, updated with resourceVersion preconditions.</summary>
public sealed class LeaseLock : ILeaseLock
{
    private readonly IResourceClient<Lease> _client;
    private readonly ObjectKey _key;

    public LeaseLock(IResourceClient<Lease> client, string @namespace, string name)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(@namespace);
        ArgumentException.ThrowIfNullOrEmpty(name);
        _client = client;
        _key = new ObjectKey(@namespace, name);
    }

    public string Description => $"Lease {_key}";

    public async Task<LeaseLockState?> GetAsync(CancellationToken cancellationToken)
    {
        try
        {
            return ToState(await _client.GetAsync(_key, cancellationToken).ConfigureAwait(false));
        }
        catch (KubernetesNotFoundException)
        {
            return null;
        }
    }

    public async Task<LeaseLockState> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var lease = new Lease
        {
            Metadata = new ObjectMeta { Namespace = _key.Namespace, Name = _key.Name },
            Spec = ToSpec(record),
        };
        return ToState(await _client.CreateAsync(lease, null, cancellationToken).ConfigureAwait(false));
    }

    public async Task<LeaseLockState> UpdateAsync(LeaderElectionRecord record, string version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(version);
        var lease = new Lease
        {
            Metadata = new ObjectMeta { Namespace = _key.Namespace, Name = _key.Name, ResourceVersion = version },
            Spec = ToSpec(record),
        };
        return ToState(await _client.UpdateAsync(lease, null, cancellationToken).ConfigureAwait(false));
    }

    internal static LeaseSpec ToSpec(LeaderElectionRecord record) => new()
    {
        HolderIdentity = record.HolderIdentity,
        LeaseDurationSeconds = (int)Math.Ceiling(record.LeaseDuration.TotalSeconds),
        AcquireTime = record.AcquireTime,
        RenewTime = record.RenewTime,
        LeaseTransitions = record.LeaseTransitions,
    };

    internal static LeaderElectionRecord ToRecord(LeaseSpec? spec) => new(
        spec?.HolderIdentity ?? string.Empty,
        TimeSpan.FromSeconds(spec?.LeaseDurationSeconds ?? 0),
        spec?.AcquireTime,
        spec?.RenewTime,
        spec?.LeaseTransitions ?? 0);

    private static LeaseLockState ToState(Lease lease) =>
        new(ToRecord(lease.Spec), lease.Metadata.ResourceVersion ?? string.Empty);
}
