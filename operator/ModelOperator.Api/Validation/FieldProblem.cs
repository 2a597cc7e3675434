namespace ModelOperator.Api.Validation;

/// <summary>One thing wrong with a ModelDeployment: the field's path (e.g. <c>spec.rollout.steps[2].setWeight</c>) and what was wrong and what is allowed.</summary>
public sealed record FieldProblem(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
