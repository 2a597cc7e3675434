using ModelOperator.Benchmarks;

// make bench: runs every benchmark section (or --only NAME) and writes docs/benchmarks.md.
// `--echo-server PORT` is the child mode that serves the JSON-echo ceiling.
if (args.Length >= 2 && args[0] == "--echo-server")
{
    await EchoServer.RunAsync(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false);
    return 0;
}

if (args.Length >= 3 && args[0] == "--grpc-echo-server")
{
    await GrpcEchoServer.RunAsync(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false);
    return 0;
}

var output = "docs/benchmarks.md";
string? only = null;
var quick = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--out": output = args[++i]; break;
        case "--only": only = args[++i]; break;
        case "--quick": quick = true; break;
        default:
            Console.Error.WriteLine($"bench: unknown argument {args[i]}; use --out FILE, --only SECTION, --quick");
            return 2;
    }
}

IBenchmarkSection[] sections = [new ServerLatencyBenchmark(quick), new DriftAndBatchingBenchmark(quick), new InformerBenchmark(quick), new RequestPathBenchmark(), new OperatorScaleBenchmark(quick), new MetricsBenchmark(), new ShadowBenchmark(quick), new GrpcBenchmark(quick)];
var report = BenchmarkReport.Load(output);
foreach (var section in sections.Where(s => only is null || s.Name == only))
{
    Console.WriteLine($"bench: running {section.Name}");
    var markdown = await section.RunAsync().ConfigureAwait(false);
    report.SetSection(section.Name, markdown);
    Console.WriteLine(markdown);
}

report.Save(output);
Console.WriteLine($"bench: wrote {output}");
return 0;
