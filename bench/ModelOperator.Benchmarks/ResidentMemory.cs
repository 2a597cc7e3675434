using System.Diagnostics;
using System.Globalization;

namespace ModelOperator.Benchmarks;

/// <summary>
/// Resident memory of a child process over its whole life. The peak is the kernel's own high-water mark
/// (<c>VmHWM</c> in /proc/PID/status), so no short spike between two samples is missed; samples every
/// 100 ms add a sampled peak per phase (the kernel keeps only one mark for the process).
/// </summary>
internal sealed class ResidentMemory : IAsyncDisposable
{
    private readonly Process _process;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private double _phasePeak;

    public ResidentMemory(Process process)
    {
        _process = process;
        _sampling = Task.Run(SampleAsync);
    }

    /// <summary>Resident memory right now, MiB.</summary>
    public double Current => Read("VmRSS:");

    /// <summary>The most the process was ever resident, MiB (kernel high-water mark).</summary>
    public double Peak => Read("VmHWM:");

    /// <summary>Resident memory right now by kind, MiB: anonymous (managed heap, native), mapped files (runtime and assemblies), shared memory (JIT'd code, double-mapped).</summary>
    public (double Anonymous, double Files, double Shared) Breakdown => (Read("RssAnon:"), Read("RssFile:"), Read("RssShmem:"));

    /// <summary>The largest sample since the last call, MiB; starts the next phase.</summary>
    public double TakePhasePeak() => Math.Max(Interlocked.Exchange(ref _phasePeak, 0), Current);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _sampling.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                var now = Current;
                double seen;
                do
                {
                    seen = Volatile.Read(ref _phasePeak);
                }
                while (now > seen && Interlocked.CompareExchange(ref _phasePeak, now, seen) != seen);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private double Read(string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
            return line is null ? 0 : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
            return 0; // The process has gone.
        }
    }
}
