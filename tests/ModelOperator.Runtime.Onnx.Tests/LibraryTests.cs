namespace ModelOperator.Runtime.Onnx.Tests;

[Collection(OnnxRuntimeCollection.Name)]
public sealed class LibraryTests(OnnxRuntimeFixture ort)
{
    [Fact]
    public void The_environment_reports_the_packages_onnx_runtime_version()
    {
        Assert.Equal("1.32.0", ort.Environment.Version);
    }

    [Fact]
    public void The_native_library_comes_from_the_package_through_deps_json()
    {
        // A framework-dependent build keeps each platform's native library under runtimes/<rid>/native;
        // nothing is copied beside the application and nothing is fetched.
        var native = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libonnxruntime.so");
        Assert.True(File.Exists(native), native);
        Assert.False(File.Exists(Path.Combine(AppContext.BaseDirectory, "libonnxruntime.so.1")));
    }

    [Fact]
    public void A_second_environment_can_be_created_and_disposed_without_disturbing_the_first()
    {
        using (var second = OnnxRuntimeEnvironment.Create())
        {
            Assert.Equal(ort.Environment.Version, second.Version);
        }

        using var session = InferenceSession.Load(ort.Environment, OnnxRuntimeFixture.ExampleModel("churn", 1));
        using var result = session.Run([Tensors.Float(0, [1, 8], new float[8])]);
        Assert.Equal(1, result.Count);
    }

    [Fact]
    public void A_disposed_environment_refuses_to_load()
    {
        var env = OnnxRuntimeEnvironment.Create();
        env.Dispose();

        Assert.Throws<ObjectDisposedException>(() => InferenceSession.Load(env, OnnxRuntimeFixture.ExampleModel("churn", 1)));
    }

    [Theory]
    [InlineData("[ErrorCode:InvalidArgument] Got invalid dimensions for input: x", 2, "Got invalid dimensions for input: x", "ORT_INVALID_ARGUMENT")]
    [InlineData("[ErrorCode:InvalidProtobuf] Load model failed:Protobuf parsing failed.", 7, "Load model failed:Protobuf parsing failed.", "ORT_INVALID_PROTOBUF")]
    [InlineData("[ErrorCode:RuntimeException] Non-zero status code returned while running Gather node.", 6, "Non-zero status code returned while running Gather node.", "ORT_RUNTIME_EXCEPTION")]
    [InlineData("[ErrorCode:Fail] boom", 1, "boom", "ORT_FAIL")]
    [InlineData("[ErrorCode:ShapeInferenceNotRegistered] ep failed", 11, "ep failed", "ORT_EP_FAIL")]
    [InlineData("no prefix at all", 1, "no prefix at all", "ORT_FAIL")]
    [InlineData("[ErrorCode:SomethingNew] kept whole", 1, "[ErrorCode:SomethingNew] kept whole", "ORT_FAIL")]
    public void The_packages_error_code_prefix_becomes_the_error_code(string packageMessage, int code, string message, string name)
    {
        var e = OnnxRuntimeException.FromPackage(new InvalidOperationException(packageMessage));

        Assert.Equal(code, e.ErrorCode);
        Assert.Equal(message, e.Message);
        Assert.Equal(name, e.ErrorCodeName);
    }
}
