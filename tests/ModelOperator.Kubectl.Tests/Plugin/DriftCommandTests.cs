using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ModelOperator.Api;
using ModelOperator.Kubectl.Rendering;
using ModelOperator.Kubectl.Tests.Support;

namespace ModelOperator.Kubectl.Tests.Plugin;

/// <summary>Given a ModelDeployment whose status carries the stable revision's drift, when <c>kubectl model drift</c> runs, then it prints it.</summary>
public sealed class DriftCommandTests
{
    /// <summary>A Prometheus that answers every request with one canned answer and keeps the requested URIs.</summary>
    private sealed class FakePrometheus(HttpStatusCode status, string body) : HttpMessageHandler
    {
        public List<Uri> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request.RequestUri!);
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }

    private static ModelDeployment Drifting(string? prometheus = null)
    {
        var md = Fixtures.Healthy();
        return md with
        {
            Spec = prometheus is null ? md.Spec : md.Spec! with
            {
                Rollout = md.Spec.Rollout! with { Analysis = md.Spec.Rollout.Analysis! with { Provider = new AnalysisProvider { Prometheus = new PrometheusProvider { Address = prometheus } } } },
            },
            Status = md.Status! with
            {
                StableDrift = new StableDriftStatus
                {
                    Revision = Fixtures.V1, ObservedAt = Fixtures.Now.AddMinutes(-2), Samples = 1200,
                    Features =
                    [
                        new FeatureDriftStatus { Name = "tenure", Score = 0.41, Threshold = 0.25, Drifting = true, Since = Fixtures.Now.AddMinutes(-42) },
                        new FeatureDriftStatus { Name = "plan", Score = 0.03, Threshold = 0.25, Drifting = false },
                    ],
                },
            },
        };
    }

    /// <summary>tenure quiet for the first half hour, then at 0.41; plan flat at 0.03.</summary>
    private static string Matrix()
    {
        var start = DateTimeOffset.FromUnixTimeSeconds((Fixtures.Now - TimeSpan.FromHours(1)).ToUnixTimeSeconds() / 60 * 60);
        string Values(Func<int, double> at) => string.Join(',', Enumerable.Range(0, 61).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"[{start.AddMinutes(i).ToUnixTimeSeconds()},\"{at(i)}\"]")));
        return $$$"""
            {"status":"success","data":{"resultType":"matrix","result":[
              {"metric":{"name":"tenure"},"values":[{{{Values(i => i < 30 ? 0.02 : 0.41)}}}]},
              {"metric":{"name":"plan"},"values":[{{{Values(_ => 0.03)}}}]}
            ]}}
            """;
    }

    private static async Task<ProcessResult> DriftAsync(PluginTestBed bed, FakePrometheus? prometheus, params string[] args)
    {
        using var stdout = new CapturingWriter();
        using var stderr = new CapturingWriter();
        var env = new Dictionary<string, string> { ["KUBECONFIG"] = bed.Kubeconfig, ["HOME"] = bed.Dir };
        var code = await PluginApp.RunAsync(["drift", "churn", .. args],
            new PluginEnvironment(stdout, stderr, k => env.GetValueOrDefault(k), bed.Clock, prometheus is null ? null : () => prometheus), CancellationToken.None);
        return new ProcessResult(code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Without_prometheus_the_table_shows_status_and_says_there_is_no_timeline()
    {
        await using var bed = await PluginTestBed.StartAsync();
        await bed.SeedAsync(Drifting());

        var result = (await DriftAsync(bed, null)).Succeeded();

        var lines = result.Stdout.Split('\n');
        Assert.Equal("Stable revision churn-aaaaaaaaaa (model version 1), measured 2m ago, 1200 rows in the drift windows", lines[0]);
        Assert.Equal("FEATURE  SCORE  THRESHOLD  DRIFTING  SINCE", lines[1]);
        Assert.Equal("tenure   0.41   0.25       yes       2026-11-23T07:18:00Z (42m ago)", lines[2]);
        Assert.Equal("plan     0.03   0.25       no        -", lines[3]);
        Assert.Contains("No timeline: Prometheus is not configured", result.Stdout, StringComparison.Ordinal);
        Assert.Empty(result.Stderr);
    }

    [Fact]
    public async Task With_prometheus_each_feature_has_its_last_hour_as_a_sparkline()
    {
        await using var bed = await PluginTestBed.StartAsync();
        await bed.SeedAsync(Drifting("http://prometheus.monitoring:9090"));
        var prometheus = new FakePrometheus(HttpStatusCode.OK, Matrix());

        var result = (await DriftAsync(bed, prometheus)).Succeeded();

        var lines = result.Stdout.Split('\n');
        Assert.EndsWith("SINCE".PadRight(32) + "LAST HOUR", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(new string('▁', 15) + new string('█', 15), lines[2], StringComparison.Ordinal);
        Assert.EndsWith(new string('▂', 30), lines[3], StringComparison.Ordinal); // 0.03 against the 0.25 threshold
        Assert.DoesNotContain("No timeline", result.Stdout, StringComparison.Ordinal);
        var request = Assert.Single(prometheus.Requests);
        Assert.Equal("prometheus.monitoring", request.Host);
        var query = Uri.UnescapeDataString(request.Query);
        Assert.Contains("query=max by (name) (modelserver_drift_psi{namespace=\"default\",pod=~\"churn-aaaaaaaaaa-.*\",series=\"feature\"})", query, StringComparison.Ordinal);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"&end={Fixtures.Now.ToUnixTimeSeconds()}&step=60"), query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_prometheus_flag_overrides_the_spec_and_a_failed_query_falls_back_to_status_saying_why()
    {
        await using var bed = await PluginTestBed.StartAsync();
        await bed.SeedAsync(Drifting("http://prometheus.monitoring:9090"));
        var prometheus = new FakePrometheus(HttpStatusCode.InternalServerError, "upstream exploded <html>");

        var result = (await DriftAsync(bed, prometheus, "--prometheus", "http://localhost:9090")).Succeeded();

        Assert.Equal("localhost", Assert.Single(prometheus.Requests).Host);
        Assert.DoesNotContain("LAST HOUR", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("No timeline: Prometheus answered HTTP 500 with a body that is not JSON; the values are the operator's last measurement, from status.", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("exploded", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Output_json_and_yaml_carry_the_features_and_their_hour()
    {
        await using var bed = await PluginTestBed.StartAsync();
        await bed.SeedAsync(Drifting("http://prometheus.monitoring:9090"));

        var json = (await DriftAsync(bed, new FakePrometheus(HttpStatusCode.OK, Matrix()), "-o", "json")).Succeeded();
        var yaml = (await DriftAsync(bed, null, "-oyaml", "--prometheus=http://localhost:9090")).Succeeded();

        var parsed = JsonNode.Parse(json.Stdout)!;
        Assert.Equal(Fixtures.V1, parsed["stableRevision"]!.GetValue<string>());
        Assert.Equal("prometheus", parsed["timeline"]!.GetValue<string>());
        var tenure = parsed["features"]![0]!;
        Assert.Equal(("tenure", 0.41, true, "2026-11-23T07:18:00Z"), (tenure["name"]!.GetValue<string>(), tenure["score"]!.GetValue<double>(), tenure["drifting"]!.GetValue<bool>(), tenure["since"]!.GetValue<string>()));
        Assert.Equal(61, tenure["lastHour"]!.AsArray().Count);
        Assert.Contains("stableRevision: churn-aaaaaaaaaa", yaml.Stdout, StringComparison.Ordinal);
        Assert.Contains("- name: tenure", yaml.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_flags_are_errors_as_kubectl_words_them()
    {
        await using var bed = await PluginTestBed.StartAsync();
        await bed.SeedAsync(Drifting());

        var printer = await DriftAsync(bed, null, "-o", "xml");
        var address = await DriftAsync(bed, null, "--prometheus", "prometheus:9090");
        var other = await bed.PluginAsync("status", "churn", "-o", "json");
        var missing = await bed.PluginAsync("drift", "nope");

        Assert.Equal((1, "error: unable to match a printer suitable for the output format \"xml\", allowed formats are: json,yaml"), (printer.ExitCode, printer.Stderr.Trim()));
        Assert.StartsWith("error: --prometheus must be an http:// or https:// URL", address.Stderr, StringComparison.Ordinal);
        Assert.StartsWith("error: -o/--output applies to drift only, not to status", other.Stderr, StringComparison.Ordinal);
        Assert.StartsWith("Error from server (NotFound): modeldeployments.modeloperator.io \"nope\" not found", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_measurement_it_says_what_is_needed()
    {
        await using var bed = await PluginTestBed.StartAsync();
        await bed.SeedAsync(Fixtures.Healthy());

        var result = (await DriftAsync(bed, null)).Succeeded();

        Assert.StartsWith("No drift measured for the stable revision of churn yet", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { 0.1, 0.2, double.NaN, 0.4 }, 4, 0.4, "▃▅ █")]
    [InlineData(new[] { 0.0, 0.0, 0.0 }, 3, 0.0, "▁▁▁")]
    [InlineData(new[] { 0.05, 0.05 }, 2, 0.25, "▂▂")]
    [InlineData(new[] { 0.1, 0.9, 0.1, 0.1 }, 2, 0.25, "█▂")]
    [InlineData(new double[0], 5, 0.25, "")]
    public void Sparklines_scale_to_the_threshold_or_the_highest_point(double[] points, int width, double ceiling, string expected) =>
        Assert.Equal(expected, Sparkline.Render(points, width, ceiling));
}
