using System.Threading.Channels;
using ModelOperator.ControllerRuntime.Controllers;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.ControllerRuntime.Tests.Support;

/// <summary>A reconciler whose n-th call (from 1) does what the script says; every call is reported on a channel.</summary>
internal sealed class ScriptedReconciler(Func<ObjectKey, int, CancellationToken, Task<ReconcileResult>> script) : IReconciler
{
    private int _calls;

    public Channel<(ObjectKey Key, int Call)> Calls { get; } = Channel.CreateUnbounded<(ObjectKey, int)>();

    public int CallCount => Volatile.Read(ref _calls);

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _calls);
        try
        {
            return await script(key, call, cancellationToken);
        }
        finally
        {
            Calls.Writer.TryWrite((key, call));
        }
    }
}
