namespace ModelOperator.SandboxHost.Soak;

/// <summary>
/// One fault of a soak's schedule: wait <paramref name="Wait"/> after the previous fault ended, then inject
/// <paramref name="Kind"/>. <paramref name="Duration"/> is the window of conflicts, latency, API away and Prometheus
/// away, and the Retry-After of throttling. <paramref name="Count"/> is the k of "every k-th write", the number of
/// throttled requests or gone watches, the added latency in milliseconds, which model server to kill (an index, modulo
/// the running ones), and for a lost Lease 0 (delete it) or 1 (take it over).
/// </summary>
public sealed record FaultStep(TimeSpan Wait, FaultKind Kind, TimeSpan Duration, int Count);
