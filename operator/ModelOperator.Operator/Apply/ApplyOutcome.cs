namespace ModelOperator.Operator.Apply;

/// <summary>What applying one desired object did.</summary>
public enum ApplyOutcome
{
    Unchanged,
    Created,
    Updated,
    Deleted,
}
