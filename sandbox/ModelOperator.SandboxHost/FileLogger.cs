using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ModelOperator.SandboxHost;

/// <summary>
/// Logs of the in-process components (API server, node agent, deployment controller, proxy) to one file, a line each,
/// so that the terminal shows only the demo's story. Lines are queued and written by one background task.
/// </summary>
public sealed class FileLoggerProvider : ILoggerProvider
{
    private readonly BlockingCollection<string> _lines = new(boundedCapacity: 10_000);
    private readonly Thread _writer;
    private readonly LogLevel _minimum;

    public FileLoggerProvider(string path, LogLevel minimum = LogLevel.Information)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        LogPath = path;
        _minimum = minimum;
        _writer = new Thread(() =>
        {
            using var file = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
            foreach (var line in _lines.GetConsumingEnumerable())
            {
                file.WriteLine(line);
            }
        })
        { IsBackground = true, Name = "sandbox-log" };
        _writer.Start();
    }

    public string LogPath { get; }

    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

    public void Dispose()
    {
        _lines.CompleteAdding();
        // The queue is disposed only once the writer has drained it; a writer still busy after 2 s keeps it (a
        // background thread, it ends with the process).
        if (_writer.Join(TimeSpan.FromSeconds(2)))
        {
            _lines.Dispose();
        }
    }

    private void Write(string line)
    {
        // A full queue drops the line rather than blocking a component; after Dispose lines are dropped too.
        try
        {
            _lines.TryAdd(line);
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
        }
    }

    private sealed class FileLogger(FileLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= provider._minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var line = $"{DateTimeOffset.UtcNow:O} {logLevel,-11} {category}: {formatter(state, exception)}";
            provider.Write(exception is null ? line : line + " " + exception);
        }
    }
}
