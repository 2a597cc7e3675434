using System.Threading.Channels;
using ModelOperator.ControllerRuntime.Informers;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.ControllerRuntime.Tests.Support;

/// <summary>Writes each notification as a line such as <c>add ns/a@3 initial</c> to a channel.</summary>
internal sealed class RecordingHandler<T> : IResourceEventHandler<T>
    where T : class, IKubernetesObject
{
    public Channel<string> Events { get; } = Channel.CreateUnbounded<string>();

    public void OnAdd(T obj, bool isInInitialList) =>
        Events.Writer.TryWrite($"add {Describe(obj)}{(isInInitialList ? " initial" : string.Empty)}");

    public void OnUpdate(T oldObj, T newObj) =>
        Events.Writer.TryWrite($"update {Describe(oldObj)} -> {newObj.Metadata.ResourceVersion}");

    public void OnDelete(T obj, bool finalStateUnknown) =>
        Events.Writer.TryWrite($"delete {Describe(obj)}{(finalStateUnknown ? " unknown" : string.Empty)}");

    /// <summary>The next <paramref name="count"/> lines, waiting for each.</summary>
    public async Task<string[]> Next(int count)
    {
        var lines = new string[count];
        for (var i = 0; i < count; i++)
        {
            lines[i] = await Events.Reader.ReadWithin();
        }

        return lines;
    }

    public bool IsQuiet => !Events.Reader.TryPeek(out _);

    private static string Describe(T obj) => $"{ObjectKey.From(obj)}@{obj.Metadata.ResourceVersion}";
}
