using System.Reflection;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.ControllerRuntime.Tests.Support;

/// <summary>
/// An Event client that passes every call to the API server's, except that creating an Event about one named object
/// waits until the test lets it go: a write that hangs, for the one object only.
/// </summary>
#pragma warning disable CA1852 // DispatchProxy derives from it at run time.
internal class HoldingEventClient : DispatchProxy
#pragma warning restore CA1852
{
    private IResourceClient<Event> _inner = null!;
    private string _heldObject = string.Empty;
    private Task _release = Task.CompletedTask;

    public static IResourceClient<Event> Create(IResourceClient<Event> inner, string heldObject, Task release)
    {
        var client = Create<IResourceClient<Event>, HoldingEventClient>();
        var self = (HoldingEventClient)(object)client;
        self._inner = inner;
        self._heldObject = heldObject;
        self._release = release;
        return client;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name == nameof(IResourceClient<Event>.CreateAsync) && args?[0] is Event e && e.InvolvedObject?.Name == _heldObject)
        {
            return HeldCreateAsync(e, (WriteOptions?)args[1], (CancellationToken)args[2]!);
        }

        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw ex.InnerException;
        }
    }

    private async Task<Event> HeldCreateAsync(Event e, WriteOptions? options, CancellationToken cancellationToken)
    {
        await _release.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await _inner.CreateAsync(e, options, cancellationToken).ConfigureAwait(false);
    }
}
