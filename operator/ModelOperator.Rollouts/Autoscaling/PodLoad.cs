namespace ModelOperator.Rollouts.Autoscaling;

/// <summary>What one pod's model server reported, for <see cref="LoadMath.Combine"/>.</summary>
/// <param name="InFlight">Requests being queued or run now (gauge).</param>
/// <param name="ModelLoadSeconds">Seconds its model took to load; NaN when not reported.</param>
/// <param name="Since">What its counters counted since its previous scrape; null on the first look at the pod.</param>
public sealed record PodLoad(double InFlight, double ModelLoadSeconds, PodLoadDelta? Since = null);

/// <summary>What a pod's counters counted between two scrapes.</summary>
/// <param name="Requests">Requests finished in between.</param>
/// <param name="Duration">Their cumulative duration buckets (le → count).</param>
/// <param name="Elapsed">Time between the two scrapes.</param>
public sealed record PodLoadDelta(double Requests, IReadOnlyDictionary<double, double> Duration, TimeSpan Elapsed);
