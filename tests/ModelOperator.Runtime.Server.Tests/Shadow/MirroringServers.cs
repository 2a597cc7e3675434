using System.Globalization;
using ModelOperator.Contracts;
using ModelOperator.Metrics;
using ModelOperator.Runtime.Server.Hosting;

namespace ModelOperator.Runtime.Server.Tests.Shadow;

/// <summary>A real stable server that mirrors to a target by an instruction file, and reading what it reports.</summary>
internal static class MirroringServers
{
    public const string StableRevision = "churn-5ab1e00001";

    /// <summary>A churn server of revision <see cref="StableRevision"/> whose instruction file mirrors to <paramref name="target"/>.</summary>
    public static Task<ServerFixture> StartStableAsync(string target, double percent, double tolerance, Func<ServerOptions, ServerOptions>? configure = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "modelserver-tests", "shadow-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, ShadowContract.ConfigKey);
        File.WriteAllText(file, string.Create(CultureInfo.InvariantCulture,
            $$"""{"source":"{{StableRevision}}","target":"{{target}}","percent":{{percent}},"tolerance":{{tolerance}}}"""));
        return ServerFixture.StartAsync(o => (configure ?? (x => x))(o with { ShadowConfigFile = file, Revision = StableRevision }));
    }

    public static async Task<IReadOnlyList<MetricSample>> ScrapeAsync(ServerFixture server) =>
        PrometheusText.Parse(await server.Client.GetStringAsync("/metrics"), out _);

    /// <summary>The sum of the samples of <paramref name="name"/> with all the labels given.</summary>
    public static double Value(IReadOnlyList<MetricSample> samples, string name, params (string Name, string Value)[] labels) =>
        samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value)).Sum(s => s.Value);

    /// <summary>
    /// Scrapes until <paramref name="done"/> holds (the copies are sent in the background, after the users were
    /// answered), failing with the last scrape after a deadline; returns that scrape.
    /// </summary>
    public static async Task<IReadOnlyList<MetricSample>> WaitForAsync(ServerFixture server, Func<IReadOnlyList<MetricSample>, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var samples = await ScrapeAsync(server);
            if (done(samples))
            {
                return samples;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("the shadow metrics never reached the expected values: " + string.Join("; ", samples.Where(s => s.Name.StartsWith("modelserver_shadow", StringComparison.Ordinal)).Select(s => $"{s.Name}{{{string.Join(',', s.Labels.Select(l => l.Key + "=" + l.Value))}}} {s.Value}")));
            }

            await Task.Delay(20);
        }
    }

    public static double Copies(IReadOnlyList<MetricSample> samples, string outcome) =>
        Value(samples, ShadowContract.Copies, (ShadowContract.CopyOutcomeLabel, outcome));
}
