using System.Globalization;
using ModelOperator.Api;
using ModelOperator.Contracts;

namespace ModelOperator.SandboxHost.Soak;

/// <summary>How long a soak injects faults, its seed and where its report goes.</summary>
public sealed record SoakOptions
{
    /// <summary>How long faults are injected and rounds started (the round running at the end still finishes).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The seed of the fault schedule (and, plus one, of the rounds' versions).</summary>
    public required int Seed { get; init; }

    /// <summary>The Markdown file the report is written into, between its markers (null: printed only).</summary>
    public string? ReportPath { get; init; }

    /// <summary>The largest growth of an operator process's RSS over its baseline.</summary>
    public long RssGrowthBound { get; init; } = 64L * 1024 * 1024;

    /// <summary>When an operator process's RSS baseline is taken, after the soak started it.</summary>
    public TimeSpan RssWarmup { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Inference requests per second through the Service proxy.</summary>
    public double Rate { get; init; } = 50;

    /// <summary>The options from <c>--duration</c> (a Go duration), <c>--seed</c> (an integer) and <c>--report</c>; every problem at once.</summary>
    public static (SoakOptions? Options, IReadOnlyList<string> Problems) Parse(string? duration, string? seed, string? report)
    {
        var problems = new List<string>();
        var value = TimeSpan.FromMinutes(10);
        if (!string.IsNullOrEmpty(duration) && (!GoDuration.TryParse(duration, out value) || value < TimeSpan.FromSeconds(30) || value > TimeSpan.FromHours(24)))
        {
            problems.Add($"--duration (SOAK_DURATION) is '{duration}'; it must be {GoDuration.Allowed}, from 30s to 24h");
        }

        var seedValue = Random.Shared.Next();
        if (!string.IsNullOrEmpty(seed) && !int.TryParse(seed, NumberStyles.None, CultureInfo.InvariantCulture, out seedValue))
        {
            problems.Add($"--seed (SOAK_SEED) is '{seed}'; it must be a whole number from 0 to {int.MaxValue}");
        }

        return problems.Count > 0 ? (null, problems) : (new SoakOptions { Duration = value, Seed = seedValue, ReportPath = string.IsNullOrEmpty(report) ? null : report }, problems);
    }
}
