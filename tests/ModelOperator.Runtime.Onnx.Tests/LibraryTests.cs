using System.Runtime.InteropServices;
using ModelOperator.Runtime.Onnx.Native;

namespace ModelOperator.Runtime.Onnx.Tests;

[Collection(OnnxRuntimeCollection.Name)]
public sealed class LibraryTests(OnnxRuntimeFixture ort)
{
    [Fact]
    public void The_environment_reports_the_library_and_its_version()
    {
        Assert.True(File.Exists(ort.Environment.LibraryPath));
        Assert.Equal("libonnxruntime.so.1", Path.GetFileName(ort.Environment.LibraryPath));
        Assert.StartsWith("1.", ort.Environment.Version);
    }

    [Fact]
    public void A_second_environment_can_be_created_and_disposed_without_disturbing_the_first()
    {
        using (var second = OnnxRuntimeEnvironment.Create(ort.Environment.LibraryPath))
        {
            Assert.Equal(ort.Environment.Version, second.Version);
        }

        using var session = InferenceSession.Load(ort.Environment, OnnxRuntimeFixture.ExampleModel("churn", 1));
        using var result = session.Run([Tensors.Float(0, [1, 8], new float[8])]);
        Assert.Equal(1, result.Count);
    }

    [Fact]
    public void A_missing_library_gives_one_line_saying_where_it_looked_and_what_to_run()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nowhere-{Guid.NewGuid():N}", "libonnxruntime.so.1");

        var e = Assert.Throws<OnnxRuntimeNotFoundException>(() => OnnxRuntimeEnvironment.Create(path));

        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(
            $"ONNX Runtime native library not found: looked for {path} (the path given); run `make native` or scripts/fetch-onnxruntime.sh to fetch ONNX Runtime 1.30.0.",
            e.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_shared_library_is_refused_in_one_line()
    {
        var path = Path.Combine(Path.GetTempPath(), $"fake-{Guid.NewGuid():N}.so");
        File.WriteAllText(path, "not an ELF file\nsecond line\n");
        try
        {
            var e = Assert.Throws<OnnxRuntimeNotFoundException>(() => OnnxRuntimeEnvironment.Create(path));

            Assert.DoesNotContain('\n', e.Message);
            Assert.StartsWith($"ONNX Runtime native library at {path} could not be loaded (", e.Message);
            Assert.EndsWith("run `make native` or scripts/fetch-onnxruntime.sh to fetch ONNX Runtime 1.30.0.", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_shared_library_without_OrtGetApiBase_is_refused()
    {
        // The .NET runtime's own native helper library: a real shared object, but not ONNX Runtime.
        var path = Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "libSystem.Native.so");
        Assert.True(File.Exists(path), path);

        var e = Assert.Throws<OnnxRuntimeNotFoundException>(() => OnnxRuntimeEnvironment.Create(path));

        Assert.Equal($"{path} is not ONNX Runtime: it has no OrtGetApiBase export; run `make native` or scripts/fetch-onnxruntime.sh to fetch ONNX Runtime 1.30.0.", e.Message);
    }

    [Fact]
    public void Locator_prefers_an_explicit_path_then_the_environment_variable()
    {
        var explicitOnly = OrtLibraryLocator.Candidates("/opt/ort/lib.so", "/env/lib.so", "/app", "/xdg", "/home/u");
        Assert.Equal([new OrtLibraryLocator.Candidate("/opt/ort/lib.so", "the path given")], explicitOnly);

        var envOnly = OrtLibraryLocator.Candidates(null, "/env/lib.so", "/app", "/xdg", "/home/u");
        Assert.Equal([new OrtLibraryLocator.Candidate("/env/lib.so", "ORT_LIBRARY_PATH")], envOnly);
    }

    [Fact]
    public void Locator_falls_back_to_beside_the_app_then_the_cache()
    {
        var withXdg = OrtLibraryLocator.Candidates(null, "", "/app", "/xdg", "/home/u");
        Assert.Equal(["/app/libonnxruntime.so.1", "/xdg/modeloperator/onnxruntime-1.30.0/libonnxruntime.so.1"], withXdg.Select(c => c.Path));

        var withHome = OrtLibraryLocator.Candidates(null, null, "/app", null, "/home/u");
        Assert.Equal("/home/u/.cache/modeloperator/onnxruntime-1.30.0/libonnxruntime.so.1", withHome[1].Path);

        var neither = OrtLibraryLocator.Candidates(null, null, "/app", null, null);
        Assert.Single(neither);
    }

    [Fact]
    public void Resolve_returns_the_first_existing_candidate_or_lists_all_in_one_line()
    {
        var candidates = OrtLibraryLocator.Candidates(null, null, "/app", "/xdg", null);

        Assert.Equal("/xdg/modeloperator/onnxruntime-1.30.0/libonnxruntime.so.1", OrtLibraryLocator.Resolve(candidates, p => p.StartsWith("/xdg", StringComparison.Ordinal)));
        Assert.Equal("/app/libonnxruntime.so.1", OrtLibraryLocator.Resolve(candidates, _ => true));
        var e = Assert.Throws<OnnxRuntimeNotFoundException>(() => OrtLibraryLocator.Resolve(candidates, _ => false));
        Assert.Equal(
            "ONNX Runtime native library not found: looked for /app/libonnxruntime.so.1 (beside the application); /xdg/modeloperator/onnxruntime-1.30.0/libonnxruntime.so.1 (the default cache); run `make native` or scripts/fetch-onnxruntime.sh to fetch ONNX Runtime 1.30.0.",
            e.Message);
    }
}
