using ModelOperator.Testing;

namespace ModelOperator.Runtime.Server.Tests;

/// <summary>
/// runtime/Dockerfile publishes the server per platform. An arm64 publish, done here as the
/// Dockerfile does it (framework-dependent, no apphost), must carry ONNX Runtime's aarch64 library
/// beside the application and no other platform's native files.
/// </summary>
public sealed class PublishTests
{
    private const ushort ElfMachineAarch64 = 0xB7;

    [Fact]
    public async Task An_arm64_publish_holds_the_aarch64_onnx_runtime_library_and_no_other_platforms_natives()
    {
        var temp = Directory.CreateTempSubdirectory("modelserver-publish-");
        try
        {
            var app = Path.Combine(temp.FullName, "app");
            // Its own artifacts folder, so the publish neither reads nor rewrites the tree's obj/ and bin/.
            var (exit, output) = await RunAsync(
                "dotnet", "publish", Path.Combine(RepositoryFiles.Root, "runtime", "ModelOperator.Runtime.Server", "ModelOperator.Runtime.Server.csproj"),
                "-c", "Release", "-r", "linux-arm64", "--self-contained", "false", "-p:UseAppHost=false",
                "--artifacts-path", Path.Combine(temp.FullName, "artifacts"), "-o", app, "-nologo", "-v", "q");
            Assert.True(exit == 0, $"dotnet publish exited {exit}:\n{output}");

            var library = Path.Combine(app, "libonnxruntime.so");
            Assert.True(File.Exists(library), $"no libonnxruntime.so in {app}: {string.Join(", ", Directory.EnumerateFiles(app).Select(Path.GetFileName))}");
            Assert.Equal(ElfMachineAarch64, ElfMachine(library));
            Assert.False(Directory.Exists(Path.Combine(app, "runtimes")), "a runtimes/ folder means other platforms' natives were copied");
            var files = Directory.EnumerateFiles(app, "*", SearchOption.AllDirectories).ToList();
            Assert.DoesNotContain(files, f => f.EndsWith(".dylib", StringComparison.Ordinal) || Path.GetFileName(f).StartsWith("onnxruntime", StringComparison.Ordinal));
            Assert.All(files.Where(f => ElfMachine(f) is not null), f => Assert.Equal(ElfMachineAarch64, ElfMachine(f)));
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    /// <summary>e_machine of a little-endian ELF file, or null for any other file.</summary>
    private static ushort? ElfMachine(string path)
    {
        Span<byte> header = stackalloc byte[20];
        using var file = File.OpenRead(path);
        if (file.Read(header) < header.Length || !header[..4].SequenceEqual("\u007fELF"u8) || header[5] != 1)
        {
            return null;
        }

        return BitConverter.ToUInt16(header[18..20]);
    }

    private static async Task<(int Exit, string Output)> RunAsync(string file, params string[] args)
    {
        var result = await ChildProcess.RunAsync(file, args, timeout: TimeSpan.FromMinutes(10));
        return (result.ExitCode, result.Output);
    }
}
