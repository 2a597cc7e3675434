using ModelOperator.Api.Validation;

namespace ModelOperator.Api.Tests;

/// <summary>The one reader of the action annotations, which the validator and the planner both use.</summary>
public sealed class ActionAnnotationTests
{
    public static TheoryData<string?, string?, string?, long?, string?> Cases => new()
    {
        // action, undo-revision → the request's action, its revision, the first problem
        { null, null, null, null, null },
        { "promote", null, "promote", null, null },
        { "promote-step", null, "promote-step", null, null },
        { " abort\n", null, "abort", null, null },
        { "undo", "2", "undo", 2, null },
        { "undo", null, "undo", null, null },
        { "undo", "two", null, null, "metadata.annotations[modeloperator.io/undo-revision]: \"two\" is not a revision number; use a revision from status.revisionHistory, a whole number from 1" },
        { "undo", "0", null, null, "metadata.annotations[modeloperator.io/undo-revision]: \"0\" is not a revision number" },
        { "promote", "two", "promote", null, "metadata.annotations[modeloperator.io/undo-revision]: \"two\" is not a revision number" },
        { "rollback", null, null, null, "metadata.annotations[modeloperator.io/action]: \"rollback\" is not an action; use one of promote-step, promote, abort, retry, undo" },
        { "Promote", null, null, null, "metadata.annotations[modeloperator.io/action]: \"Promote\" is not an action" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reads_the_request_or_says_what_is_wrong_and_what_is_allowed(string? action, string? revision, string? expectedAction, long? expectedRevision, string? problem)
    {
        var annotations = new Dictionary<string, string>();
        if (action is not null)
        {
            annotations[Annotations.Action] = action;
        }

        if (revision is not null)
        {
            annotations[Annotations.UndoRevision] = revision;
        }

        var reading = ActionAnnotation.Read(annotations);

        Assert.Equal(action is not null, reading.Present);
        Assert.Equal(expectedAction, reading.Request?.Action);
        Assert.Equal(expectedRevision, reading.Request?.UndoRevision);
        if (problem is null)
        {
            Assert.Empty(reading.Problems);
        }
        else
        {
            var first = reading.Problems[0];
            Assert.StartsWith(problem, $"{first.Path}: {first.Message}", StringComparison.Ordinal);
        }

        // the validator reports exactly these problems
        var md = new ModelDeployment { Metadata = new() { Name = "churn", Annotations = annotations } };
        Assert.Equal(reading.Problems, ModelDeploymentValidator.Validate(md).Where(p => p.Path.StartsWith("metadata.annotations", StringComparison.Ordinal)));
    }
}
