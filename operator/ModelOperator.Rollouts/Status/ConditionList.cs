using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Rollouts.Status;

/// <summary>
/// The one way conditions are written (compare Argo Rollouts' <c>utils/conditions</c> and apimachinery's
/// <c>meta.SetStatusCondition</c>). Lists are never mutated: every call returns a new list.
/// </summary>
public static class ConditionList
{
    /// <summary>Condition status <c>True</c>.</summary>
    public const string True = "True";

    /// <summary>Condition status <c>False</c>.</summary>
    public const string False = "False";

    /// <summary>Condition status <c>Unknown</c>.</summary>
    public const string Unknown = "Unknown";

    /// <summary>
    /// Returns <paramref name="conditions"/> with the condition of <paramref name="type"/> set.
    /// </summary>
    /// <remarks>
    /// <code>
    /// lastTransitionTime = old exists ∧ old.status = status ? old.lastTransitionTime : now
    /// reason, message, observedGeneration = the new values
    /// </code>
    /// The condition keeps its position in the list (a new type is appended), so an unchanged status serializes
    /// identically and the caller's "write only when changed" comparison stays quiet. Examples: setting
    /// <c>Ready=True</c> over <c>Ready=True</c> (set at 10:00) at 10:05 keeps 10:00 and takes the new reason;
    /// over <c>Ready=False</c> it becomes 10:05.
    /// </remarks>
    /// <param name="conditions">The current list; null means none.</param>
    /// <param name="type">Condition type, e.g. <c>Ready</c>; must not be empty.</param>
    /// <param name="status"><c>True</c>, <c>False</c> or <c>Unknown</c>.</param>
    /// <param name="reason">A CamelCase reason word (from the reasons constants); must not be empty.</param>
    /// <param name="message">A human sentence; may be empty.</param>
    /// <param name="observedGeneration">The spec generation this condition was computed from.</param>
    /// <param name="now">The time of this decision.</param>
    public static IReadOnlyList<Condition> Set(
        IReadOnlyList<Condition>? conditions,
        string type,
        string status,
        string reason,
        string message,
        long? observedGeneration,
        DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        ArgumentNullException.ThrowIfNull(message);
        if (status is not (True or False or Unknown))
        {
            throw new ArgumentException($"Condition status '{status}' is not allowed; use True, False or Unknown.", nameof(status));
        }

        var result = new List<Condition>((conditions?.Count ?? 0) + 1);
        var found = false;
        foreach (var existing in conditions ?? [])
        {
            if (!string.Equals(existing.Type, type, StringComparison.Ordinal))
            {
                result.Add(existing);
                continue;
            }

            if (found)
            {
                continue; // a duplicate type (hand-edited status): keep the first only
            }

            found = true;
            var transition = Condition.TransitionTime(existing.Status, existing.LastTransitionTime, status, now);
            result.Add(new Condition
            {
                Type = type,
                Status = status,
                Reason = reason,
                Message = message,
                ObservedGeneration = observedGeneration,
                LastTransitionTime = transition,
            });
        }

        if (!found)
        {
            result.Add(new Condition
            {
                Type = type,
                Status = status,
                Reason = reason,
                Message = message,
                ObservedGeneration = observedGeneration,
                LastTransitionTime = now,
            });
        }

        return result;
    }

    /// <summary>The condition of <paramref name="type"/>, or null.</summary>
    public static Condition? Find(IReadOnlyList<Condition>? conditions, string type) =>
        conditions?.FirstOrDefault(c => string.Equals(c.Type, type, StringComparison.Ordinal));

    /// <summary>True when the condition of <paramref name="type"/> exists with status <c>True</c>.</summary>
    public static bool IsTrue(IReadOnlyList<Condition>? conditions, string type) =>
        string.Equals(Find(conditions, type)?.Status, True, StringComparison.Ordinal);

    /// <summary>Returns the list without the condition of <paramref name="type"/>.</summary>
    public static IReadOnlyList<Condition> Remove(IReadOnlyList<Condition>? conditions, string type) =>
        (conditions ?? []).Where(c => !string.Equals(c.Type, type, StringComparison.Ordinal)).ToList();
}
