namespace ModelOperator.Operator.Health;

/// <summary>
/// What a model server's ready endpoint said about one pod: <see cref="Ready"/>, and when not ready its stable reason
/// word (<c>Loading</c>, <c>ModelNotFound</c>, <c>DownloadFailed</c>, <c>ChecksumMismatch</c>, <c>InvalidModel</c>,
/// <c>UnsupportedModel</c>, <c>WarmupFailed</c>, <c>UnsupportedUri</c>, <c>InvalidProfile</c>) and its message.
/// </summary>
public sealed record ModelReadiness(bool Ready, string? Reason, string? Message)
{
    /// <summary>The reason word meaning "still working on it": not a failure.</summary>
    public const string Loading = "Loading";
}
