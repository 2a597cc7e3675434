namespace ModelOperator.Processes;

/// <summary>A log file both of a child's streams are appended to as they arrive; readable while written.</summary>
internal sealed class AppendLog : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly Lock _gate = new();
    private bool _closed;

    private AppendLog(StreamWriter writer) => _writer = writer;

    public static AppendLog Open(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        return new AppendLog(new StreamWriter(stream) { AutoFlush = true });
    }

    public void Write(ReadOnlySpan<char> text)
    {
        lock (_gate)
        {
            // A grandchild may still write after the child was disposed; that output is no longer wanted.
            if (!_closed)
            {
                _writer.Write(text);
            }
        }
    }

    public void WriteLine(string line)
    {
        lock (_gate)
        {
            _writer.WriteLine(line);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _closed = true;
            _writer.Dispose();
        }
    }
}
