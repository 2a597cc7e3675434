namespace ModelOperator.Runtime.Onnx;

/// <summary>
/// How a session runs. The defaults suit a server on few cores that runs requests in parallel:
/// one intra-op thread per session and no spinning.
/// </summary>
public sealed record OnnxSessionOptions
{
    /// <summary>Threads used inside one operator; 0 lets ONNX Runtime choose (one per core). Default 1.</summary>
    public int IntraOpThreads { get; init; } = 1;

    /// <summary>Whether idle thread-pool threads spin waiting for work (lower latency, burns CPU). Default false.</summary>
    public bool AllowSpinning { get; init; }

    /// <summary>Graph optimizations applied when the model loads. Default <see cref="GraphOptimizationLevel.All"/>.</summary>
    public GraphOptimizationLevel OptimizationLevel { get; init; } = GraphOptimizationLevel.All;

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad setting and what is allowed.</summary>
    public void Validate()
    {
        if (IntraOpThreads < 0)
        {
            throw new ArgumentException(
                $"IntraOpThreads is {IntraOpThreads}; it must be 0 (ONNX Runtime chooses) or a positive thread count.",
                nameof(IntraOpThreads));
        }

        if (!Enum.IsDefined(OptimizationLevel))
        {
            throw new ArgumentException(
                $"OptimizationLevel is {(int)OptimizationLevel}; allowed: Disabled (0), Basic (1), Extended (2), All (99).",
                nameof(OptimizationLevel));
        }
    }
}
