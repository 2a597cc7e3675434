namespace ModelOperator.Runtime.Server.Shadow;

/// <summary>One request chosen for mirroring: the plan it was chosen under, its body, and (once answered) the stable answer.</summary>
internal sealed class MirrorCopy(MirrorPlan plan, byte[] body)
{
    public MirrorPlan Plan { get; } = plan;

    public byte[] Body { get; } = body;

    public byte[] StableAnswer { get; set; } = [];
}
