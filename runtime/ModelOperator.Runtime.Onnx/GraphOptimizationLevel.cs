namespace ModelOperator.Runtime.Onnx;

/// <summary>ONNX Runtime's graph optimization levels (values as in the C API).</summary>
public enum GraphOptimizationLevel
{
    Disabled = 0,
    Basic = 1,
    Extended = 2,
    All = 99,
}
