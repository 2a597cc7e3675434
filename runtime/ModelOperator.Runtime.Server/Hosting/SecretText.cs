namespace ModelOperator.Runtime.Server.Hosting;

/// <summary>
/// A credential read from the environment (an S3 key, an HTTP header's value). It prints as <c>***</c>, so that a
/// record holding it (<see cref="ServerOptions"/>) can be logged or shown in a test failure without leaking it; only
/// <see cref="Reveal"/>, called where the credential is sent, gives the value.
/// </summary>
internal sealed class SecretText(string value)
{
    public string Reveal() => value;

    public override string ToString() => "***";

    /// <summary>The variable's value as a secret; null when unset or empty (an optional secretKeyRef whose Secret or key is missing).</summary>
    public static SecretText? FromEnvironment(Func<string, string?> environment, string variable) =>
        environment(variable) is { Length: > 0 } text ? new SecretText(text) : null;
}
