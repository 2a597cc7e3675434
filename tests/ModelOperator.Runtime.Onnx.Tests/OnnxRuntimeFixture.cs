namespace ModelOperator.Runtime.Onnx.Tests;

/// <summary>
/// One ONNX Runtime environment for all tests. The library comes from ORT_LIBRARY_PATH (the
/// Makefile sets it) or, when unset, from the binding's own discovery (the default cache that
/// scripts/fetch-onnxruntime.sh fills).
/// </summary>
public sealed class OnnxRuntimeFixture : IDisposable
{
    public OnnxRuntimeFixture() => Environment = OnnxRuntimeEnvironment.Create();

    public OnnxRuntimeEnvironment Environment { get; }

    public static string ExampleModel(string name, int version) =>
        Path.Combine(AppContext.BaseDirectory, "models", name, version.ToString(System.Globalization.CultureInfo.InvariantCulture), "model.onnx");

    public static string TestModel(string file) => Path.Combine(AppContext.BaseDirectory, "Models", file);

    public void Dispose() => Environment.Dispose();
}

[CollectionDefinition(Name)]
public sealed class OnnxRuntimeCollection : ICollectionFixture<OnnxRuntimeFixture>
{
    public const string Name = "onnxruntime";
}
