using System.Diagnostics;
using System.Runtime;

namespace ModelOperator.Benchmarks;

/// <summary>
/// CPU time of the operator process and of the bench process itself (which hosts the API server, the deployment
/// controller and the stand-in kubelet), and the bench process's own JIT work, read at a point in time so that a
/// phase's cost is the difference of two readings. Says which process burns the 2 cores while a run converges.
/// </summary>
internal readonly record struct CpuUse(TimeSpan Operator, TimeSpan Bench, TimeSpan BenchJit, long BenchJitMethods)
{
    /// <param name="op">The operator process, or null before there is one (its CPU then reads zero).</param>
    public static CpuUse Now(Process? op)
    {
        op?.Refresh();
        using var self = Process.GetCurrentProcess();
        return new CpuUse(op is null || op.HasExited ? TimeSpan.Zero : op.TotalProcessorTime, self.TotalProcessorTime, JitInfo.GetCompilationTime(), JitInfo.GetCompiledMethodCount());
    }

    public static CpuUse operator -(CpuUse later, CpuUse earlier) => new(
        later.Operator - earlier.Operator, later.Bench - earlier.Bench, later.BenchJit - earlier.BenchJit, later.BenchJitMethods - earlier.BenchJitMethods);
}
