using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Analysis;
using ModelOperator.Rollouts.Analysis;
using ModelOperator.Rollouts.Planning;

namespace ModelOperator.Operator.Reconciling;

/// <summary>
/// Keeps <c>status.stableDrift</c>: every analysis interval, when the model has a reference profile, reads the ready
/// stable pods' drift (<see cref="StableDriftSource"/>) and lets <see cref="StableDriftTracker"/> decide the next state.
/// Between measurements the last state is carried over unchanged, so a resync writes nothing. When it last measured is
/// remembered here per ModelDeployment (the state's own <c>observedAt</c> only moves when a value changed); a restarted
/// operator measures once at its first look, which costs a scrape and nothing more.
/// </summary>
public sealed partial class StableDriftObserver(StableDriftSource? source, ILogger logger)
{
    private readonly ConcurrentDictionary<ObjectKey, DateTimeOffset> _lastMeasured = new();

    /// <summary>The plan with the stable drift state in its status, measured first when due.</summary>
    public async Task<RolloutPlan> ObserveAsync(ModelDeployment md, Observation observed, RolloutPlan plan, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(md);
        ArgumentNullException.ThrowIfNull(observed);
        ArgumentNullException.ThrowIfNull(plan);
        var previous = md.Status?.StableDrift;
        var stable = plan.Status.StableRevision?.Name;
        if (source is null)
        {
            return StableDriftTracker.Attach(plan, previous, null);
        }

        if (stable is null || !StableDriftTracker.Applies(md.Spec))
        {
            return StableDriftTracker.Attach(plan, null, null);
        }

        AnalysisCriteria criteria;
        try
        {
            criteria = AnalysisCriteria.FromSpec(md.Spec?.Rollout?.Analysis, 0);
        }
        catch (FormatException)
        {
            return StableDriftTracker.Attach(plan, previous, null); // an invalid interval: the planner reports it
        }

        var key = ObjectKey.From(md);
        var kept = previous?.Revision == stable ? previous : null;
        var dueAt = StableDriftTracker.DueAt(previous, stable, _lastMeasured.TryGetValue(key, out var last) ? last : null, criteria.Interval);
        if (now < dueAt)
        {
            return StableDriftTracker.Attach(plan, kept, dueAt - now);
        }

        var pods = observed.Pods.Where(p => SnapshotBuilder.Revision(p) == stable && SnapshotBuilder.IsReady(p) && p.Metadata.DeletionTimestamp is null).ToList();
        _lastMeasured[key] = now;
        if (pods.Count == 0)
        {
            return StableDriftTracker.Attach(plan, kept, criteria.Interval);
        }

        var reading = await source.ObserveAsync(key, md.Spec?.Rollout?.Analysis, stable, pods, now, cancellationToken).ConfigureAwait(false);
        var next = StableDriftTracker.Next(previous, stable, reading, criteria, now);
        Log.Measured(logger, stable, next?.Features?.Count(f => f.Drifting == true) ?? 0, reading.Error ?? string.Empty);
        return StableDriftTracker.Attach(plan, next?.Revision == stable ? next : null, criteria.Interval);
    }

    /// <summary>Forgets a deleted ModelDeployment.</summary>
    public void Forget(ObjectKey key) => _lastMeasured.TryRemove(key, out _);

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Debug, "Stable revision {Revision}: {Drifting} features drifting {Error}")]
        public static partial void Measured(ILogger logger, string revision, int drifting, string error);
    }
}
