using System.Globalization;
using ModelOperator.Api.Validation;

namespace ModelOperator.Api;

/// <summary>A readable <see cref="Annotations.Action"/> request: one of <see cref="ManualActions.All"/>, and for undo the revision asked for.</summary>
/// <param name="Action">The action, trimmed, one of <see cref="ManualActions.All"/>.</param>
/// <param name="UndoRevision">With <see cref="ManualActions.Undo"/>, the revision number from <see cref="Annotations.UndoRevision"/>; null for the previous one.</param>
public sealed record ActionRequest(string Action, long? UndoRevision);

/// <summary>
/// The one reader of the action annotations (<see cref="Annotations.Action"/>, <see cref="Annotations.UndoRevision"/>):
/// the validator reports its problems and the planner acts on its request, so both accept exactly the same values.
/// Surrounding whitespace is ignored (a hand-written YAML value often carries some); anything else must match exactly.
/// </summary>
public static class ActionAnnotation
{
    /// <summary>The result of reading the annotations.</summary>
    /// <param name="Present">Whether the object carries the action annotation at all (usable or not).</param>
    /// <param name="Request">The request, when the action is usable: a known action, and for undo a readable revision.</param>
    /// <param name="Problems">
    /// Every problem with either annotation, each naming it and what is allowed (the validator reports them all). A bad
    /// undo revision beside another action does not make that action unusable: only undo reads it.
    /// </param>
    public sealed record Reading(bool Present, ActionRequest? Request, IReadOnlyList<FieldProblem> Problems);

    /// <summary>Reads the annotations of an object; null or absent annotations read as no action.</summary>
    public static Reading Read(IReadOnlyDictionary<string, string>? annotations)
    {
        var problems = new List<FieldProblem>();
        long? undoRevision = null;
        if (annotations is not null && annotations.TryGetValue(Annotations.UndoRevision, out var revisionText))
        {
            if (long.TryParse(revisionText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1)
            {
                undoRevision = number;
            }
            else
            {
                problems.Add(new($"metadata.annotations[{Annotations.UndoRevision}]",
                    $"\"{Shorten(revisionText)}\" is not a revision number; use a revision from status.revisionHistory, a whole number from 1"));
            }
        }

        if (annotations is null || !annotations.TryGetValue(Annotations.Action, out var raw))
        {
            return new Reading(false, null, problems);
        }

        var action = raw.Trim();
        if (!ManualActions.All.Contains(action, StringComparer.Ordinal))
        {
            problems.Insert(0, new($"metadata.annotations[{Annotations.Action}]",
                $"\"{Shorten(raw)}\" is not an action; use one of {string.Join(", ", ManualActions.All)}"));
            return new Reading(true, null, problems);
        }

        var usable = action != ManualActions.Undo || problems.Count == 0;
        return new Reading(true, usable ? new ActionRequest(action, undoRevision) : null, problems);
    }

    private static string Shorten(string value) => value.Length <= 100 ? value : value[..100] + "…";
}
