namespace ModelOperator.ApiServer.Resources;

/// <summary>
/// The set of served resources. Built-ins are fixed; CRD versions come and go. Readers get an
/// immutable snapshot, so discovery and request routing never see a half-updated set.
/// </summary>
internal sealed class ResourceRegistry
{
    private readonly Lock _gate = new();
    private readonly IReadOnlyList<ResourceType> _builtIns;
    private Dictionary<string, IReadOnlyList<ResourceType>> _crds = new(StringComparer.Ordinal);
    private Snapshot _snapshot;

    public ResourceRegistry(IReadOnlyList<ResourceType> builtIns)
    {
        _builtIns = builtIns;
        _snapshot = Build();
    }

    /// <summary>Raised (outside the lock) after the set of served resources changed.</summary>
    public event Action? Changed;

    public Snapshot Current => Volatile.Read(ref _snapshot);

    public ResourceType? Find(string group, string version, string plural) =>
        Current.ByPath.TryGetValue((group, version, plural), out var t) ? t : null;

    /// <summary>Serves the versions of a CRD (replacing what the same CRD served before).</summary>
    public void SetCrd(string crdName, IReadOnlyList<ResourceType> versions)
    {
        lock (_gate)
        {
            var next = new Dictionary<string, IReadOnlyList<ResourceType>>(_crds, StringComparer.Ordinal) { [crdName] = versions };
            _crds = next;
            Volatile.Write(ref _snapshot, Build());
        }

        Changed?.Invoke();
    }

    public void RemoveCrd(string crdName)
    {
        lock (_gate)
        {
            var next = new Dictionary<string, IReadOnlyList<ResourceType>>(_crds, StringComparer.Ordinal);
            if (!next.Remove(crdName))
            {
                return;
            }

            _crds = next;
            Volatile.Write(ref _snapshot, Build());
        }

        Changed?.Invoke();
    }

    private Snapshot Build()
    {
        var byPath = new Dictionary<(string, string, string), ResourceType>();
        foreach (var t in _builtIns)
        {
            byPath[(t.Group, t.Version, t.Plural)] = t;
        }

        // A CRD may take over a built-in group (for example the Gateway API CRDs for httproutes).
        foreach (var versions in _crds.Values)
        {
            foreach (var t in versions)
            {
                byPath[(t.Group, t.Version, t.Plural)] = t;
            }
        }

        var groups = byPath.Values
            .GroupBy(t => t.Group)
            .OrderBy(g => g.Key.Length == 0 ? 0 : 1).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new GroupInfo(
                g.Key,
                g.Select(t => t.Version).Distinct().OrderByDescending(VersionPriority).ToList()))
            .ToList();
        return new Snapshot(byPath, groups);
    }

    /// <summary>Kubernetes version ordering: GA above beta above alpha, higher numbers first.</summary>
    internal static (int Level, int Major, int Minor) VersionPriority(string version)
    {
        var m = System.Text.RegularExpressions.Regex.Match(version, "^v(\\d+)(?:(alpha|beta)(\\d+))?$");
        if (!m.Success)
        {
            return (-1, 0, 0);
        }

        var level = m.Groups[2].Value switch { "" => 2, "beta" => 1, _ => 0 };
        var minor = m.Groups[3].Success && m.Groups[3].Length > 0 ? int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        return (level, int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), minor);
    }

    internal sealed record Snapshot(IReadOnlyDictionary<(string Group, string Version, string Plural), ResourceType> ByPath, IReadOnlyList<GroupInfo> Groups)
    {
        public IEnumerable<ResourceType> InGroupVersion(string group, string version) =>
            ByPath.Values.Where(t => t.Group == group && t.Version == version).OrderBy(t => t.Plural, StringComparer.Ordinal);

        public IEnumerable<ResourceType> ByStorageKey(string storageKey) => ByPath.Values.Where(t => t.StorageKey == storageKey);
    }

    /// <summary>A served group and its versions, preferred first.</summary>
    internal sealed record GroupInfo(string Name, IReadOnlyList<string> Versions);
}
