namespace ModelOperator.Prometheus;

/// <summary>
/// Receives values read at scrape time by a collector registered with <see cref="MetricRegistry.AddCollector"/>.
/// Samples written under the same name (by one collector or several) are grouped into one family; the first help text wins.
/// Names and labels follow the same rules as registered metrics; a counter's name ends in <c>_total</c>.
/// </summary>
public interface ICollectorWriter
{
    void WriteGauge(string name, string help, ReadOnlySpan<KeyValuePair<string, string>> labels, double value);

    void WriteCounter(string name, string help, ReadOnlySpan<KeyValuePair<string, string>> labels, double value);
}
