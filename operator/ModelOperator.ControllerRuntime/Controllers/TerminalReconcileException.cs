namespace ModelOperator.ControllerRuntime.Controllers;

/// <summary>
/// A failure retrying cannot fix (e.g. an invalid spec): the controller logs and counts it but does not
/// requeue the key; the next change to the object brings it back (controller-runtime's terminal error).
/// </summary>
public sealed class TerminalReconcileException : Exception
{
    public TerminalReconcileException()
    {
    }

    public TerminalReconcileException(string message)
        : base(message)
    {
    }

    public TerminalReconcileException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
