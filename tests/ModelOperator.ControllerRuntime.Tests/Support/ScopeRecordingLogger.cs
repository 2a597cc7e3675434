using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ModelOperator.ControllerRuntime.Tests.Support;

/// <summary>Keeps every log entry together with the scopes open when it was written.</summary>
internal sealed class ScopeRecordingLogger<T> : ILogger<T>
{
    private readonly AsyncLocal<ImmutableStack?> _scopes = new();

    public ConcurrentQueue<(string Message, IReadOnlyList<object> Scopes, LogLevel Level)> Entries { get; } = new();

    public IDisposable BeginScope<TState>(TState state)
        where TState : notnull
    {
        var previous = _scopes.Value;
        _scopes.Value = new ImmutableStack(state, previous);
        return new Pop(() => _scopes.Value = previous);
    }

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var scopes = new List<object>();
        for (var s = _scopes.Value; s is not null; s = s.Next)
        {
            scopes.Add(s.State);
        }

        Entries.Enqueue((formatter(state, exception), scopes, logLevel));
    }

    private sealed record ImmutableStack(object State, ImmutableStack? Next);

    private sealed class Pop(Action pop) : IDisposable
    {
        public void Dispose() => pop();
    }
}
