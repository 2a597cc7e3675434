namespace ModelOperator.Kubectl.Cli;

/// <summary>
/// A failure the user can act on (bad usage, no such revision, nothing to promote). The plugin prints the message on
/// stderr as <c>error: …</c> and exits 1, as kubectl does.
/// </summary>
internal sealed class PluginException : Exception
{
    public PluginException()
    {
    }

    public PluginException(string message)
        : base(message)
    {
    }

    public PluginException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Usage text to print after the message (the usage of the command that was misused), if any.</summary>
    public string? Usage { get; init; }
}
