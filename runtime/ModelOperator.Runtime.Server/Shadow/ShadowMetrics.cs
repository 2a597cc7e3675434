using ModelOperator.Contracts;
using ModelOperator.Runtime.Server.Hosting;
using ModelOperator.Runtime.Server.Metrics;
using Prometheus;

namespace ModelOperator.Runtime.Server.Shadow;

/// <summary>
/// What the mirroring server saw of the candidate (<see cref="ShadowContract"/>'s families). Labels are bounded: the
/// model and version of this process, outcomes and results from fixed sets, and output names from the model's signature.
/// </summary>
internal sealed class ShadowMetrics
{
    /// <summary>Outputs compared and labelled, the first of the signature (as the drift series' limit).</summary>
    public const int MaxOutputs = 64;

    // From exact agreement up: a float32 model's last-bit noise is ~1e-7, a shifted model's differences ~0.01 to 1.
    private static readonly double[] DifferenceBuckets = [0, 1e-6, 1e-5, 1e-4, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

    private readonly Histogram _difference;
    private readonly Counter _topClass;
    // Keyed by output names of the signature (at most MaxOutputs per model), so bounded like the labels themselves.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, OutputSeries> _outputs = new(StringComparer.Ordinal);
    private readonly string _model;
    private readonly string _version;

    public ShadowMetrics(CollectorRegistry registry, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(options);
        IMetricFactory factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _model = options.ModelName;
        _version = options.ModelVersion;
        string[] modelLabels = ["model", "version"];
        var copies = factory.CreateCounter(
            ShadowContract.Copies,
            "Copies of requests mirrored to the shadow candidate, by outcome: compared, failed (an error, a timeout or an unreadable answer), dropped (the queue was full).",
            ["model", "version", ShadowContract.CopyOutcomeLabel]);
        Compared = copies.WithLabels(_model, _version, ShadowContract.Compared);
        Failed = copies.WithLabels(_model, _version, ShadowContract.Failed);
        Dropped = copies.WithLabels(_model, _version, ShadowContract.Dropped);
        Agreements = factory.CreateCounter(
                ShadowContract.Agreements, "Compared copies whose every output value was within the tolerance of this server's own answer.", modelLabels)
            .WithLabels(_model, _version);
        _difference = factory.CreateHistogram(
            ShadowContract.AbsoluteDifference,
            "Largest absolute difference between the candidate's and this server's values of an output, one observation per output per compared copy.",
            ["model", "version", ModelServerMetricNames.OutputLabel],
            new HistogramConfiguration { Buckets = DifferenceBuckets });
        _topClass = factory.CreateCounter(
            ShadowContract.TopClass,
            "Compared copies of a classifier-shaped output by whether every row's top class was the same as this server's.",
            ["model", "version", ModelServerMetricNames.OutputLabel, ShadowContract.TopClassLabel]);
        CandidateDuration = factory.CreateHistogram(
                ShadowContract.CandidateDuration,
                "Time the candidate took to answer a copy, from sending it to the answer read, in seconds.",
                modelLabels,
                new HistogramConfiguration { Buckets = ServerMetrics.LatencyBuckets })
            .WithLabels(_model, _version);
    }

    public Counter.Child Compared { get; }

    public Counter.Child Failed { get; }

    public Counter.Child Dropped { get; }

    public Counter.Child Agreements { get; }

    public Histogram.Child CandidateDuration { get; }

    /// <summary>Counts one compared copy: its outputs' differences, top classes and whether it agreed.</summary>
    public void Record(AnswerComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        Compared.Inc();
        if (comparison.Agrees)
        {
            Agreements.Inc();
        }

        foreach (var output in comparison.Outputs)
        {
            var series = _outputs.GetOrAdd(output.Name, static (name, metrics) => metrics.NewSeries(name), this);
            if (output.MaxAbsoluteDifference is { } difference)
            {
                series.Difference.Observe(difference);
            }

            if (output.TopClassAgrees is { } agrees)
            {
                (agrees ? series.TopClassAgree : series.TopClassDisagree).Inc();
            }
        }
    }

    private OutputSeries NewSeries(string output) => new(
        _difference.WithLabels(_model, _version, output),
        _topClass.WithLabels(_model, _version, output, "agree"),
        _topClass.WithLabels(_model, _version, output, "disagree"));

    /// <summary>One output's series, looked up once: labelling a child per copy cost more than the comparison.</summary>
    private sealed record OutputSeries(Histogram.Child Difference, Counter.Child TopClassAgree, Counter.Child TopClassDisagree);
}
