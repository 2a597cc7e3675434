namespace ModelOperator.SandboxHost.Soak;

/// <summary>
/// One invariant over a soak's history: what it says, how many things it looked at, and the evidence of every
/// violation (empty when it held).
/// </summary>
public sealed record InvariantResult(string Name, long Checked, IReadOnlyList<string> Violations)
{
    public bool Held => Violations.Count == 0;
}
