namespace ModelOperator.Runtime.Onnx.Tests;

/// <summary>
/// One ONNX Runtime environment for all tests (the native library comes from the package).
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
