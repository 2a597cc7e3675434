using System.Threading.Channels;

namespace ModelOperator.Processes;

/// <summary>A running kubectl (a watch) whose stdout lines arrive in order; disposing kills it.</summary>
public sealed class KubectlStream : IDisposable
{
    private readonly ChildProcess _child;
    private readonly string[] _args;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();

    internal KubectlStream(Func<Action<string>, ChildProcess> start, string[] args)
    {
        _args = args;
        _child = start(line => _lines.Writer.TryWrite(line));
        _ = CompleteWhenExitedAsync();
    }

    /// <summary>Reads lines until one satisfies <paramref name="match"/>; fails with kubectl's stderr on timeout or exit.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(match);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        var seen = new List<string>();
        try
        {
            while (await _lines.Reader.WaitToReadAsync(cts.Token).ConfigureAwait(false))
            {
                while (_lines.Reader.TryRead(out var line))
                {
                    seen.Add(line);
                    if (match(line))
                    {
                        return line;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Reported below.
        }

        throw new InvalidOperationException(
            $"kubectl {string.Join(' ', _args)} did not print the expected line.\nseen: {string.Join("\n", seen)}\nstderr: {_child.Stderr}");
    }

    public void Dispose() => _child.DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task CompleteWhenExitedAsync()
    {
        try
        {
            await _child.WaitForExitAsync(Timeout.InfiniteTimeSpan).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            // Disposed: the reader is told the stream ended either way.
        }
        finally
        {
            _lines.Writer.TryComplete();
        }
    }
}
