using Microsoft.Extensions.Logging;
using ModelOperator.Runtime.Onnx;
using ModelOperator.Runtime.Server.Inference;
using Ort = Microsoft.ML.OnnxRuntime;

namespace ModelOperator.Runtime.Server.Tests;

/// <summary>
/// How a failed run becomes an HTTP status: a problem with the request's inputs is a 400 whose
/// message names the tensor; anything else ONNX Runtime reports is a 500, logged. The ONNX Runtime
/// errors here are real ones the package threw, mapped as the adapter maps them.
/// </summary>
public sealed class RunErrorMappingTests
{
    [Fact]
    public void An_input_the_model_cannot_take_is_a_400_naming_the_tensor_and_is_not_logged_as_an_error()
    {
        using var env = OnnxRuntimeEnvironment.Create();
        using var session = InferenceSession.Load(env, ServerFixture.ModelPath("churn", 1));
        var refused = Assert.Throws<ArgumentException>(() => session.Run([new InputTensor(0, TensorElementType.Float32, new long[] { 1, 7 }, new byte[28])]));
        var logger = new RecordingLogger();

        var (error, status) = ModelRunner.MapRunError(refused, logger);

        Assert.Equal(400, status);
        Assert.StartsWith("Input 'features' dimension 1 must be 8", error, StringComparison.Ordinal);
        Assert.Empty(logger.Errors);
    }

    [Fact]
    public void Onnx_runtimes_invalid_argument_during_a_run_is_a_400_with_its_message()
    {
        var packageError = PackageRunError();
        var mapped = OnnxRuntimeException.FromPackage(packageError);
        var logger = new RecordingLogger();

        var (error, status) = ModelRunner.MapRunError(mapped, logger);

        Assert.StartsWith("[ErrorCode:InvalidArgument] ", packageError.Message, StringComparison.Ordinal);
        Assert.Equal(2, mapped.ErrorCode);
        Assert.Equal(400, status);
        Assert.Equal("inference failed: " + packageError.Message["[ErrorCode:InvalidArgument] ".Length..], error);
        Assert.Contains("'logits'", error, StringComparison.Ordinal); // ONNX Runtime names the tensor
        Assert.Empty(logger.Errors);
    }

    [Fact]
    public void Any_other_onnx_runtime_failure_is_a_500_and_logged_with_its_code()
    {
        var packageError = Assert.Throws<Ort.OnnxRuntimeException>(() => new Ort.InferenceSession("not a model"u8.ToArray()));
        var mapped = OnnxRuntimeException.FromPackage(packageError);
        var logger = new RecordingLogger();

        var (error, status) = ModelRunner.MapRunError(mapped, logger);

        Assert.Equal(7, mapped.ErrorCode);
        Assert.Equal(500, status);
        Assert.StartsWith("inference failed: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("[ErrorCode:", error, StringComparison.Ordinal);
        Assert.Contains(logger.Errors, e => e.Contains("code 7", StringComparison.Ordinal));
    }

    // A run the package itself refuses with INVALID_ARGUMENT: an output buffer of the wrong shape.
    private static Ort.OnnxRuntimeException PackageRunError()
    {
        using var session = new Ort.InferenceSession(ServerFixture.ModelPath("wide", 1));
        using var runOptions = new Ort.RunOptions();
        using var input = Ort.OrtValue.CreateTensorValueFromMemory(new float[256], [1, 256]);
        using var output = Ort.OrtValue.CreateTensorValueFromMemory(new float[20], [2, 10]);
        return Assert.Throws<Ort.OnnxRuntimeException>(() => session.Run(runOptions, session.InputNames, [input], session.OutputNames, [output]));
    }

    private sealed class RecordingLogger : ILogger
    {
        public List<string> Errors { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error)
            {
                Errors.Add(formatter(state, exception));
            }
        }
    }
}
