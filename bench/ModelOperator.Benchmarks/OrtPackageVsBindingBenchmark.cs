using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using ModelOperator.Runtime.Onnx;
using ModelOperator.Runtime.Onnx.Native;

namespace ModelOperator.Benchmarks;

/// <summary>
/// Issue 11, once, before the function-pointer binding is deleted: the same in-process Run loop
/// through the old binding and through the adapter over Microsoft.ML.OnnxRuntime, in one process,
/// variants interleaved round by round so that load from elsewhere on the machine hits all alike.
/// The old binding runs on the npm library it shipped with (1.30, if cached) and on the package's
/// own 1.32 library, so that binding overhead and library version can be told apart.
/// </summary>
internal sealed class OrtPackageVsBindingBenchmark(bool quick) : IBenchmarkSection
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public string Name => "onnxruntime-package-vs-binding";

    public Task<string> RunAsync()
    {
        var models = Path.Combine(AppContext.BaseDirectory, "models");
        var churn = Path.Combine(models, "churn", "1", "model.onnx");
        var wide = Path.Combine(models, "wide", "1", "model.onnx");
        var packageLibrary = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libonnxruntime.so");
        var npmLibrary = Path.Combine(Environment.GetEnvironmentVariable("HOME") ?? "/root", ".cache", "modeloperator", "onnxruntime-1.30.0", "libonnxruntime.so.1");

        using var env = OnnxRuntimeEnvironment.Create();
        var variants = new List<Variant>
        {
            Package($"package adapter (ORT {env.Version})", env, churn, wide),
            Legacy("old binding on the package's library", packageLibrary, churn, wide),
            Plain("package API used plainly (new input OrtValue and ORT-allocated outputs per Run)", churn, wide),
        };
        if (File.Exists(npmLibrary))
        {
            variants.Insert(0, Legacy("old binding on the npm library (before)", npmLibrary, churn, wide));
        }

        var rounds = quick ? 3 : 9;
        var (churnBatch, wideBatch) = quick ? (5_000, 100) : (20_000, 300);
        foreach (var round in Enumerable.Range(0, rounds))
        {
            foreach (var v in variants)
            {
                v.ChurnNs.Add(Measure(v.Churn, churnBatch, out var churnBytes));
                v.ChurnBytes.Add(churnBytes);
                v.WideNs.Add(Measure(v.Wide, wideBatch, out var wideBytes));
                v.WideBytes.Add(wideBytes);
            }

            Console.WriteLine($"bench: {Name} round {round + 1}/{rounds}");
        }

        foreach (var v in variants)
        {
            v.Dispose();
        }

        return Task.FromResult(Render(variants, rounds, churnBatch, wideBatch));
    }

    private static string Render(List<Variant> variants, int rounds, int churnBatch, int wideBatch)
    {
        var before = variants[0];
        var package = variants.Single(v => v.Name.StartsWith("package adapter", StringComparison.Ordinal));
        var sameLibrary = variants.Single(v => v.Name.Contains("package's library", StringComparison.Ordinal));
        var s = new StringBuilder();
        s.AppendLine("## ONNX Runtime: the package adapter beside the old function-pointer binding (one-time, issue 11)");
        s.AppendLine();
        s.AppendLine(Inv, $"In process, one session per variant (1 intra-op thread, spinning off), the same input array every call, each Run's result disposed at once. {rounds} rounds, variants interleaved in each round; every cell is the median of the rounds' medians (churn: batches of {churnBatch} Runs, wide: {wideBatch}). Managed bytes per Run from GC.GetAllocatedBytesForCurrentThread over the whole round. The machine is a shared 2-core one (other builds ran meanwhile): compare within the table, not with other sections.");
        s.AppendLine();
        s.AppendLine("| variant | churn batch 1: ns per Run | churn: B per Run | wide 256-1024-1024-10 batch 1: µs per Run | wide: B per Run | churn min–max of rounds, ns |");
        s.AppendLine("|---|---|---|---|---|---|");
        foreach (var v in variants)
        {
            s.AppendLine(Inv, $"| {v.Name} | {Stats.Median(v.ChurnNs):0} | {Stats.Median(v.ChurnBytes):0.#} | {Stats.Median(v.WideNs) / 1000:0.0} | {Stats.Median(v.WideBytes):0.#} | {v.ChurnNs.Min():0}–{v.ChurnNs.Max():0} |");
        }

        s.AppendLine();
        s.AppendLine("| target | measured | verdict |");
        s.AppendLine("|---|---|---|");
        var churnDelta = Stats.Median(package.ChurnNs) - Stats.Median(before.ChurnNs);
        Report.Verdict(s, "churn floor at most 0.5 µs above the old binding's", $"{churnDelta:+0;-0} ns ({Stats.Median(package.ChurnNs):0} vs {Stats.Median(before.ChurnNs):0} ns, {before.Name}); against the old binding on the same 1.32 library: {Stats.Median(package.ChurnNs) - Stats.Median(sameLibrary.ChurnNs):+0;-0} ns", churnDelta <= 500);
        var bytes = Math.Max(Stats.Median(package.ChurnBytes), Stats.Median(package.WideBytes));
        Report.Verdict(s, "at most 512 B managed allocation per Run", $"{bytes:0.#} B (the old binding: {Stats.Median(before.ChurnBytes):0.#} B)", bytes <= 512);
        var wideRatio = Stats.Median(package.WideNs) / Stats.Median(before.WideNs);
        Report.Verdict(s, "wide-MLP floor within 5 % of before", $"{wideRatio:0.000} × ({Stats.Median(package.WideNs) / 1000:0.0} vs {Stats.Median(before.WideNs) / 1000:0.0} µs)", wideRatio <= 1.05);
        return s.ToString();
    }

    private static double Measure(Action run, int perBatch, out double bytesPerRun)
    {
        for (var i = 0; i < perBatch / 4; i++)
        {
            run();
        }

        var batches = new List<double>();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var runs = 0;
        for (var b = 0; b < 5; b++)
        {
            var t0 = Stopwatch.GetTimestamp();
            for (var i = 0; i < perBatch; i++)
            {
                run();
            }

            batches.Add(Stopwatch.GetElapsedTime(t0).TotalNanoseconds / perBatch);
            runs += perBatch;
        }

        bytesPerRun = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)runs;
        return Stats.Median(batches);
    }

    private static InputTensor Row(int features)
    {
        var row = new float[features];
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = (i % 7) + 0.5f;
        }

        return new InputTensor(0, TensorElementType.Float32, new long[] { 1, features }, MemoryMarshal.AsBytes(row.AsSpan()).ToArray());
    }

    private static Variant Package(string name, OnnxRuntimeEnvironment env, string churn, string wide)
    {
        var c = InferenceSession.Load(env, churn);
        var w = InferenceSession.Load(env, wide);
        InputTensor[] ci = [Row(8)], wi = [Row(256)];
        return new Variant(
            name,
            () =>
            {
                using var r = c.Run(ci);
            },
            () =>
            {
                using var r = w.Run(wi);
            },
            [c, w]);
    }

    private static Variant Legacy(string name, string library, string churn, string wide)
    {
        var env = LegacyOrtEnvironment.Create(library);
        var c = LegacyInferenceSession.Load(env, churn);
        var w = LegacyInferenceSession.Load(env, wide);
        InputTensor[] ci = [Row(8)], wi = [Row(256)];
        return new Variant(
            $"{name}, ORT {env.Version}",
            () =>
            {
                using var r = c.Run(ci);
            },
            () =>
            {
                using var r = w.Run(wi);
            },
            [c, w, env]);
    }

    // For reference: the package's documented OrtValue API without this repository's run state.
    private static Variant Plain(string name, string churn, string wide)
    {
        var options = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        var c = new Microsoft.ML.OnnxRuntime.InferenceSession(churn, options);
        var w = new Microsoft.ML.OnnxRuntime.InferenceSession(wide, options);
        var runOptions = new Microsoft.ML.OnnxRuntime.RunOptions();
        Action Loop(Microsoft.ML.OnnxRuntime.InferenceSession session, int features)
        {
            var row = MemoryMarshal.Cast<byte, float>(Row(features).Data.Span).ToArray();
            long[] shape = [1, features];
            return () =>
            {
                using var input = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(row, shape);
                using var outputs = session.Run(runOptions, session.InputNames, [input], session.OutputNames);
            };
        }

        return new Variant(name, Loop(c, 8), Loop(w, 256), [c, w, runOptions, options]);
    }

    private sealed class Variant(string name, Action churn, Action wide, IDisposable[] owned) : IDisposable
    {
        public string Name => name;

        public Action Churn => churn;

        public Action Wide => wide;

        public List<double> ChurnNs { get; } = [];

        public List<double> ChurnBytes { get; } = [];

        public List<double> WideNs { get; } = [];

        public List<double> WideBytes { get; } = [];

        public void Dispose()
        {
            foreach (var o in owned)
            {
                o.Dispose();
            }
        }
    }
}
