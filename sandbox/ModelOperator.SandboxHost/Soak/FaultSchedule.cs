namespace ModelOperator.SandboxHost.Soak;

/// <summary>
/// The soak's faults as a seeded random sequence (pure): the same seed gives the same faults with the same parameters
/// in the same order, so <c>SOAK_SEED</c> replays a run's schedule (timing against the rollouts still varies with the
/// machine). A fault comes every 5 to 15 s; each kind has a weight, the operator kill a lower one so that operator
/// processes live long enough to show whether their memory grows.
/// </summary>
public sealed class FaultSchedule(int seed)
{
    private static readonly (FaultKind Kind, int Weight)[] Weights =
    [
        (FaultKind.ApiConflicts, 3),
        (FaultKind.ApiGone, 2),
        (FaultKind.ApiThrottled, 3),
        (FaultKind.WatchesDropped, 2),
        (FaultKind.ApiLatency, 2),
        (FaultKind.ApiAway, 2),
        (FaultKind.OperatorKilled, 1),
        (FaultKind.LeaseLost, 2),
        (FaultKind.ModelServerKilled, 2),
        (FaultKind.PrometheusAway, 1),
    ];

    private static readonly int TotalWeight = Weights.Sum(w => w.Weight);
    private readonly Random _random = new(seed);

    public int Seed { get; } = seed;

    /// <summary>The next fault.</summary>
    public FaultStep Next()
    {
        var wait = TimeSpan.FromMilliseconds(_random.Next(5_000, 15_001));
        var pick = _random.Next(TotalWeight);
        var kind = Weights[^1].Kind;
        foreach (var (k, weight) in Weights)
        {
            if (pick < weight)
            {
                kind = k;
                break;
            }

            pick -= weight;
        }

        return kind switch
        {
            FaultKind.ApiConflicts => new FaultStep(wait, kind, Seconds(5, 20), _random.Next(2, 6)),
            FaultKind.ApiGone => new FaultStep(wait, kind, TimeSpan.Zero, _random.Next(1, 6)),
            FaultKind.ApiThrottled => new FaultStep(wait, kind, TimeSpan.FromSeconds(_random.Next(1, 3)), _random.Next(5, 41)),
            FaultKind.ApiLatency => new FaultStep(wait, kind, Seconds(5, 20), _random.Next(100, 1001)),
            FaultKind.ApiAway => new FaultStep(wait, kind, Seconds(2, 10), 0),
            FaultKind.LeaseLost => new FaultStep(wait, kind, TimeSpan.Zero, _random.Next(2)),
            FaultKind.ModelServerKilled => new FaultStep(wait, kind, TimeSpan.Zero, _random.Next(1000)),
            FaultKind.PrometheusAway => new FaultStep(wait, kind, Seconds(5, 30), 0),
            _ => new FaultStep(wait, kind, TimeSpan.Zero, 0),
        };
    }

    private TimeSpan Seconds(int min, int max) => TimeSpan.FromSeconds(_random.Next(min, max + 1));
}
