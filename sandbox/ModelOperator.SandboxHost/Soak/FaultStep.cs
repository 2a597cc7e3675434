namespace ModelOperator.SandboxHost.Soak;

/// <summary>
/// One fault of a soak's schedule: wait <paramref name="Wait"/> after the previous fault ended, then inject
/// <paramref name="Kind"/>; windowed faults (conflicts, latency, API away, Prometheus away) last <paramref name="Duration"/>.
/// <paramref name="Count"/> is the k of "every k-th write", the number of throttled requests or gone watches; for a
/// lost Lease, 0 deletes it and 1 steals it.
/// </summary>
public sealed record FaultStep(TimeSpan Wait, FaultKind Kind, TimeSpan Duration, int Count);
