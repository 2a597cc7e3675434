using System.Text;
using Prometheus;

namespace ModelOperator.Testing;

/// <summary>A registry's exposition as a string, as a scrape would get it (the before-collect callbacks run).</summary>
public static class Exposition
{
    public static string Scrape(this CollectorRegistry registry, ExpositionFormat format = ExpositionFormat.PrometheusText)
    {
        ArgumentNullException.ThrowIfNull(registry);
        using var buffer = new MemoryStream();
        registry.CollectAndExportAsTextAsync(buffer, format).GetAwaiter().GetResult();
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
