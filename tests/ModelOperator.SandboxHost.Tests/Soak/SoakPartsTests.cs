using ModelOperator.SandboxHost.Soak;
using ModelOperator.Testing;

namespace ModelOperator.SandboxHost.Tests.Soak;

/// <summary>The soak's pure parts besides the invariants: its schedule, manifests, options, report and memory reading.</summary>
public sealed class SoakPartsTests
{
    [Fact]
    public void The_same_seed_gives_the_same_faults_and_another_seed_others()
    {
        static List<FaultStep> Take(int seed, int n)
        {
            var schedule = new FaultSchedule(seed);
            return [.. Enumerable.Range(0, n).Select(_ => schedule.Next())];
        }

        Assert.Equal(Take(42, 50), Take(42, 50));
        Assert.NotEqual(Take(42, 50), Take(43, 50));
    }

    [Fact]
    public void A_long_schedule_holds_every_fault_kind_with_parameters_in_range()
    {
        var schedule = new FaultSchedule(7);
        var steps = Enumerable.Range(0, 2000).Select(_ => schedule.Next()).ToList();
        Assert.Equal(Enum.GetValues<FaultKind>().ToHashSet(), steps.Select(s => s.Kind).ToHashSet());
        Assert.All(steps, s => Assert.InRange(s.Wait, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15)));
        Assert.All(steps.Where(s => s.Kind == FaultKind.ApiAway), s => Assert.InRange(s.Duration, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10)));
        Assert.All(steps.Where(s => s.Kind == FaultKind.ApiConflicts), s => Assert.InRange(s.Count, 2, 5));
        Assert.All(steps.Where(s => s.Kind == FaultKind.LeaseLost), s => Assert.InRange(s.Count, 0, 1));
    }

    [Theory]
    [InlineData(new bool[0], 0.1, true)]
    [InlineData(new bool[0], 0.9, false)]
    [InlineData(new[] { false }, 0.9, false)]
    [InlineData(new[] { false, false }, 0.9, true)] // two good in a row: bad next, whatever the draw
    [InlineData(new[] { true, true }, 0.1, false)] // two bad in a row: good next
    [InlineData(new[] { true, false }, 0.1, true)]
    [InlineData(new[] { false, true, true }, 0.0, false)]
    public void Rounds_mix_good_and_bad_versions(bool[] earlier, double draw, bool bad) =>
        Assert.Equal(bad, RolloutRounds.NextIsBad(earlier, draw));

    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    [InlineData("3")]
    public void A_round_manifest_is_the_example_with_its_Prometheus_and_a_round_marker(string version)
    {
        var example = File.ReadAllText(SoakManifests.ExamplePath(RepositoryFiles.Root, version));
        var manifest = SoakManifests.ForRound(example, 12, new Uri("http://127.0.0.1:41234/"));
        Assert.Contains("address: http://127.0.0.1:41234\n", manifest, StringComparison.Ordinal);
        Assert.DoesNotContain(":9090", manifest, StringComparison.Ordinal);
        // Read as kubectl would (a duplicate key fails the reader): the marker and the example's own env both survive.
        var spec = YamlToJson.Read(manifest)!["spec"]!;
        var env = spec["runtime"]!["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => (string?)e!["value"]);
        Assert.Equal("12", env["SOAK_ROUND"]);
        var exampleEnv = YamlToJson.Read(example)!["spec"]!["runtime"]?["env"]?.AsArray() ?? [];
        Assert.All(exampleEnv, e => Assert.Equal((string?)e!["value"], env[(string)e!["name"]!]));
        Assert.Equal(version, (string?)spec["model"]!["version"]);
        Assert.Matches("^[0-9a-f]{64}$", SoakManifests.ModelSha256(example));
        Assert.Contains($"    sha256: {SoakManifests.ModelSha256(example)}\n    profile:", example, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("spec:\n  model:\n    name: m\n", "spec:\n  runtime:\n    env:\n    - name: SOAK_ROUND\n      value: \"4\"\n  model:\n    name: m\n")]
    [InlineData("spec:\n  runtime:\n    image: i\n  model:\n    name: m\n", "spec:\n  runtime:\n    env:\n    - name: SOAK_ROUND\n      value: \"4\"\n    image: i\n  model:\n    name: m\n")]
    [InlineData("spec:\n  runtime:\n    env:\n    - name: A\n      value: b\n  model: {}\n", "spec:\n  runtime:\n    env:\n    - name: SOAK_ROUND\n      value: \"4\"\n    - name: A\n      value: b\n  model: {}\n")]
    [InlineData("spec:\n  runtime:\n    image: i\n  model:\n    env:\n", "spec:\n  runtime:\n    env:\n    - name: SOAK_ROUND\n      value: \"4\"\n    image: i\n  model:\n    env:\n")]
    public void The_round_marker_joins_the_runtime_the_manifest_has(string spec, string expected)
    {
        const string Analysis = "\n# " + SoakManifests.ExamplePrometheusAddress + "\n";
        Assert.Equal(expected + Analysis.Replace(":9090", ":1", StringComparison.Ordinal), SoakManifests.ForRound(spec + Analysis, 4, new Uri("http://127.0.0.1:1/")));
    }

    [Fact]
    public void A_manifest_the_soak_cannot_adapt_is_refused_with_what_is_missing()
    {
        var e = Assert.Throws<ArgumentException>(() => SoakManifests.ForRound("spec:\n  replicas: 1\n", 1, new Uri("http://127.0.0.1:1/")));
        Assert.Contains(SoakManifests.ExamplePrometheusAddress, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("3m", "7", true)]
    [InlineData("", "", true)]
    [InlineData("10", "", false)]
    [InlineData("5s", "", false)]
    [InlineData("3m", "-1", false)]
    [InlineData("3m", "seven", false)]
    public void Options_take_a_Go_duration_and_a_whole_number_seed(string duration, string seed, bool valid)
    {
        var (options, problems) = SoakOptions.Parse(duration, seed, null);
        Assert.Equal(valid, options is not null);
        Assert.Equal(valid, problems.Count == 0);
        if (!valid)
        {
            Assert.Contains(problems, p => p.Contains("SOAK_", StringComparison.Ordinal) && p.Contains("must be", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Options_default_to_ten_minutes_and_keep_a_given_seed()
    {
        var (options, _) = SoakOptions.Parse("", "1234", "docs/reliability.md");
        Assert.Equal(TimeSpan.FromMinutes(10), options!.Duration);
        Assert.Equal(1234, options.Seed);
        Assert.Equal("docs/reliability.md", options.ReportPath);
    }

    [Fact]
    public void The_report_replaces_only_what_is_between_its_markers()
    {
        var document = $"# Reliability\n\nintro\n\n{SoakReport.BeginMarker}\nold figures\n{SoakReport.EndMarker}\n\nafter\n";
        var updated = SoakReport.ReplaceBetweenMarkers(document, "new figures\n");
        Assert.Equal($"# Reliability\n\nintro\n\n{SoakReport.BeginMarker}\nnew figures\n{SoakReport.EndMarker}\n\nafter\n", updated);
        Assert.Equal(updated, SoakReport.ReplaceBetweenMarkers(updated, "new figures"));
        Assert.Equal($"# R\n\n{SoakReport.BeginMarker}\nfirst\n{SoakReport.EndMarker}\n", SoakReport.ReplaceBetweenMarkers("# R\n", "first"));
    }

    [Fact]
    public void The_report_names_the_seed_the_faults_the_rounds_and_every_invariant()
    {
        var t0 = new DateTimeOffset(2026, 12, 4, 17, 0, 0, TimeSpan.Zero);
        var report = new SoakReport
        {
            Seed = 99,
            Requested = TimeSpan.FromMinutes(3),
            Started = t0,
            Ended = t0.AddMinutes(4),
            Load = "1.5",
            Faults = new Dictionary<FaultKind, int> { [FaultKind.ApiAway] = 2, [FaultKind.OperatorKilled] = 1 },
            Rounds = [new RoundRecord(1, "3", true, t0, "churn-cccccccccc", RoundOutcome.Promoted, "Promoted", t0.AddMinutes(1))],
            RequestsSent = 100,
            RequestsAnswered = 90,
            FailedByReason = new Dictionary<string, long> { ["HTTP 503"] = 10 },
            AnsweredByVersion = new Dictionary<string, long> { ["1"] = 90 },
            MetadataAnswers = 5,
            Invariants = [new InvariantResult(SoakInvariants.EveryBadVersionRolledBack, 1, ["17:01:00.000 round 1: bad version 3 was Promoted"])],
            Rss = [new RssSample(1, t0, t0, 50L << 20), new RssSample(1, t0, t0.AddMinutes(2), 70L << 20)],
            RssGrowthBound = 64L << 20,
            RssWarmup = TimeSpan.FromSeconds(60),
        };
        var text = report.Render();
        Assert.False(report.Passed);
        Assert.Contains("seed **99**", text, StringComparison.Ordinal);
        Assert.Contains("| ApiAway | 2 |", text, StringComparison.Ordinal);
        Assert.Contains("| LeaseLost | 0 |", text, StringComparison.Ordinal);
        Assert.Contains("| **total** | **3** |", text, StringComparison.Ordinal);
        Assert.Contains("| 1 | 3 (bad) | churn-cccccccccc | Promoted | Promoted | 60 s |", text, StringComparison.Ordinal);
        Assert.Contains("10 failed (10 %): HTTP 503 10", text, StringComparison.Ordinal);
        Assert.Contains("| every bad version rolled back | 1 | **no** (1) |", text, StringComparison.Ordinal);
        Assert.Contains("- 17:01:00.000 round 1: bad version 3 was Promoted", text, StringComparison.Ordinal);
        Assert.Contains("start 50.0 MiB, peak 70.0 MiB, end 70.0 MiB", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("VmRSS:\t  123456 kB", 123456)]
    [InlineData("VmRSS: 8 kB", 8)]
    public void VmRSS_is_read_in_kB(string line, long kb) => Assert.Equal(kb, SoakObserver.ParseVmRssKb(line));

    [Fact]
    public void The_memory_of_this_process_can_be_read_and_a_missing_process_reads_as_gone()
    {
        Assert.True(SoakObserver.ReadRss(Environment.ProcessId) > 1024 * 1024);
        Assert.Null(SoakObserver.ReadRss(int.MaxValue));
    }
}
