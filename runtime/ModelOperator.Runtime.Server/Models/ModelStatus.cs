namespace ModelOperator.Runtime.Server.Models;

/// <summary>
/// The model's state as the endpoints report it: ready with a loaded model, or not ready with a
/// stable reason word and a message. Immutable; <see cref="ModelState"/> swaps whole values.
/// </summary>
internal sealed record ModelStatus(bool Ready, string Reason, string Message, LoadedModel? Model)
{
    public static ModelStatus Loading { get; } = new(false, ModelLoadReason.Loading, "the model is being loaded", null);
}

/// <summary>Holds the current <see cref="ModelStatus"/>; read lock-free on every request.</summary>
internal sealed class ModelState
{
    private readonly TaskCompletionSource<ModelStatus> _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile ModelStatus _status = ModelStatus.Loading;

    public ModelStatus Current => _status;

    /// <summary>Completes when the first load has ended, ready or failed (for tests and start-up tooling).</summary>
    public Task<ModelStatus> Settled => _settled.Task;

    public void Set(ModelStatus status)
    {
        _status = status;
        if (status.Reason != ModelLoadReason.Loading)
        {
            _settled.TrySetResult(status);
        }
    }
}
