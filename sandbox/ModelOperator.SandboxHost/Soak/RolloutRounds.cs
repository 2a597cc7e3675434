using System.Globalization;
using ModelOperator.Api;

namespace ModelOperator.SandboxHost.Soak;

/// <summary>
/// The soak's rollouts, one round after another: a model version applied with kubectl as a revision of its own
/// (<see cref="SoakManifests"/>), then watched until it is promoted or rolled back, or its deadline passes. Good
/// versions are the churn model's 1 and 2 (the same predictions), the bad one is 3 (its predictions drift); which comes
/// next is drawn from a seeded random sequence (<see cref="NextIsBad"/>).
/// </summary>
public sealed class RolloutRounds(LocalSandbox sandbox, SoakObserver observer, string repositoryRoot, int seed, TextWriter log, TimeProvider? time = null)
{
    public const string BadVersion = "3";
    public static readonly IReadOnlyList<string> GoodVersions = ["1", "2"];

    /// <summary>The chance that a round rolls out the bad version, unless <see cref="MaxSameInARow"/> decides.</summary>
    public const double BadShare = 0.5;

    /// <summary>At most this many good (or bad) rounds in a row, so that even a short soak rolls out both kinds.</summary>
    public const int MaxSameInARow = 2;

    /// <summary>How long a round may take: the manifests' progressDeadline (3m) for a stuck step, plus the steps before it.</summary>
    public static readonly TimeSpan RoundTimeout = TimeSpan.FromMinutes(6);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Random _random = new(seed);
    private readonly List<RoundRecord> _rounds = [];
    private readonly HashSet<string> _attributed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _sha256 = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public IReadOnlyList<RoundRecord> Rounds
    {
        get
        {
            lock (_gate)
            {
                return [.. _rounds];
            }
        }
    }

    /// <summary>spec.model.sha256 of every version applied so far.</summary>
    public IReadOnlyDictionary<string, string> Sha256ByVersion
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, string>(_sha256, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Rounds until <paramref name="until"/> (a round that started before it finishes, within its deadline).</summary>
    public async Task RunAsync(Func<bool> keepStarting, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keepStarting);
        while (keepStarting() && !cancellationToken.IsCancellationRequested)
        {
            var bad = NextIsBad([.. Rounds.Skip(1).Select(r => r.Bad)], _random.NextDouble());
            var version = bad ? BadVersion : GoodVersions[_random.Next(GoodVersions.Count)];
            await RunRoundAsync(version, cancellationToken).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromSeconds(5), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Whether the next round rolls out the bad version (pure): after <see cref="MaxSameInARow"/> rounds of one kind the
    /// other kind; otherwise bad when <paramref name="draw"/> (uniform in [0, 1)) is below <see cref="BadShare"/>.
    /// <paramref name="earlier"/> holds whether each earlier round (the initial version left out) was bad, oldest first.
    /// </summary>
    public static bool NextIsBad(IReadOnlyList<bool> earlier, double draw)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        if (earlier.Count >= MaxSameInARow && earlier.TakeLast(MaxSameInARow).Distinct().Count() == 1)
        {
            return !earlier[^1];
        }

        return draw < BadShare;
    }

    /// <summary>Applies <paramref name="version"/> as the next round and waits for its end.</summary>
    public async Task<RoundRecord> RunRoundAsync(string version, CancellationToken cancellationToken)
    {
        int round;
        lock (_gate)
        {
            round = _rounds.Count + 1;
        }

        var example = await File.ReadAllTextAsync(SoakManifests.ExamplePath(repositoryRoot, version), cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _sha256[version] = SoakManifests.ModelSha256(example);
        }

        var bad = version == BadVersion;
        var started = _time.GetUtcNow();
        Say(string.Create(CultureInfo.InvariantCulture, $"round {round}: version {version} ({(bad ? "bad: its predictions drift" : "good")})"));
        await ApplyAsync(SoakManifests.ForRound(example, round, sandbox.Prometheus.Url), cancellationToken).ConfigureAwait(false);

        var deadline = started + RoundTimeout;
        string? revision = null;
        string? why = null;
        RoundRecord? record = null;
        while (record is null)
        {
            var status = observer.Last?.Status;
            if (status is not null)
            {
                revision ??= FindRevision(status, version);
                if (revision is not null && Ended(status, revision) is { } end)
                {
                    record = new RoundRecord(round, version, bad, started, revision, end.Outcome, end.Reason, _time.GetUtcNow());
                    why = end.Outcome == RoundOutcome.RolledBack && status.LastDecision is { Action: DecisionActions.Rollback } decision ? decision.Message : null;
                }
            }

            if (record is null && _time.GetUtcNow() >= deadline)
            {
                record = new RoundRecord(round, version, bad, started, revision, RoundOutcome.Unfinished,
                    $"neither promoted nor rolled back in {RoundTimeout.TotalMinutes:0} minutes; last: {(observer.Last is { } md ? Demo.RolloutNarrator.Picture(md) : "no status")}", _time.GetUtcNow());
            }

            if (record is null)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), _time, cancellationToken).ConfigureAwait(false);
            }
        }

        lock (_gate)
        {
            _rounds.Add(record);
            if (revision is not null)
            {
                _attributed.Add(revision);
            }
        }

        // The decision's message says which metric and which numbers: a good version rolled back by a fault can be told from a bug.
        Say(string.Create(CultureInfo.InvariantCulture, $"round {round}: {revision ?? "no revision"} {record.Outcome} ({record.Reason}) after {(record.Ended - started).TotalSeconds:0} s{(why is null ? string.Empty : ": " + why)}"));
        if (record.Outcome == RoundOutcome.Promoted)
        {
            await WaitForBakeAsync(cancellationToken).ConfigureAwait(false);
        }

        return record;
    }

    /// <summary>The revision this round made: the newest one of its version that no earlier round claimed.</summary>
    private string? FindRevision(ModelDeploymentStatus status, string version)
    {
        IEnumerable<(string? Name, string? Version)> candidates =
        [
            (status.CanaryRevision?.Name, status.CanaryRevision?.ModelVersion),
            (status.StableRevision?.Name, status.StableRevision?.ModelVersion),
            .. (status.QuarantinedRevisions ?? []).Select(q => (q.Name, q.ModelVersion)),
        ];
        lock (_gate)
        {
            return candidates.FirstOrDefault(c => c.Name is not null && c.Version == version && !_attributed.Contains(c.Name)).Name;
        }
    }

    private static (RoundOutcome Outcome, string? Reason)? Ended(ModelDeploymentStatus status, string revision)
    {
        if (status.StableRevision?.Name == revision && status.CanaryRevision is null)
        {
            return (RoundOutcome.Promoted, status.LastDecision?.Action == DecisionActions.Promote ? status.LastDecision.Reason : "stable");
        }

        if (status.QuarantinedRevisions?.FirstOrDefault(q => q.Name == revision) is { } quarantined && status.CanaryRevision?.Name != revision)
        {
            return (RoundOutcome.RolledBack, quarantined.Reason);
        }

        return null;
    }

    private async Task WaitForBakeAsync(CancellationToken cancellationToken)
    {
        var until = _time.GetUtcNow() + TimeSpan.FromMinutes(1);
        while (_time.GetUtcNow() < until && observer.Last?.Status?.BakeUntil is { } bake && bake > _time.GetUtcNow())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ApplyAsync(string manifest, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var result = await sandbox.Kubectl.RunAsync(["apply", "--request-timeout=20s", "-f", "-"], manifest, cancellationToken).ConfigureAwait(false);
            if (result.ExitCode == 0)
            {
                Say($"  $ kubectl apply: {result.Stdout.Trim()}");
                return;
            }

            // The soak's own faults (429, 409, the API server away) hit kubectl too: try again, as a person would.
            Say($"  $ kubectl apply failed (attempt {attempt}): {result.Stderr.Trim()}");
            if (attempt == 10)
            {
                result.EnsureSuccess();
            }

            await Task.Delay(TimeSpan.FromSeconds(3), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private void Say(string line) => log.WriteLine(line);
}
