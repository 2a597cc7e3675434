namespace ModelOperator.Prometheus.Tests;

public sealed class ConcurrencyTests
{
    private const int Threads = 8;
    private const int PerThread = 100_000;

    [Fact]
    public void Eight_threads_incrementing_a_counter_give_the_exact_total()
    {
        var registry = new MetricRegistry();
        Counter.Child child = registry.CreateCounter("c_total", "help", "k").WithLabels("v");

        RunOnThreads(_ =>
        {
            for (int i = 0; i < PerThread; i++)
            {
                child.Inc();
            }
        });

        Assert.Equal(Threads * PerThread, child.Value);
        Assert.Contains($"c_total{{k=\"v\"}} {Threads * PerThread}\n", registry.Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public void Eight_threads_moving_a_gauge_up_and_down_end_where_they_started()
    {
        Gauge.Child child = new MetricRegistry().CreateGauge("g", "help", "k").WithLabels("v");
        child.Set(7);

        RunOnThreads(t =>
        {
            for (int i = 0; i < PerThread; i++)
            {
                if (t % 2 == 0)
                {
                    child.Inc(2);
                }
                else
                {
                    child.Dec(2);
                }
            }
        });

        Assert.Equal(7, child.Value);
    }

    [Fact]
    public void Eight_threads_observing_lose_no_observation_and_no_sum()
    {
        var registry = new MetricRegistry();
        Histogram.Child child = registry.CreateHistogram("h", "help", [1, 2, 3], "k").WithLabels("v");

        // Thread t observes t % 4 + 0.5, so each of the 4 buckets gets 2 threads' worth.
        RunOnThreads(t =>
        {
            for (int i = 0; i < PerThread; i++)
            {
                child.Observe((t % 4) + 0.5);
            }
        });

        Assert.Equal(Threads * PerThread, child.Count);
        Assert.Equal(2.0 * PerThread * (0.5 + 1.5 + 2.5 + 3.5), child.Sum);
        string text = registry.Scrape();
        Assert.Contains($"h_bucket{{k=\"v\",le=\"1\"}} {2 * PerThread}\n", text, StringComparison.Ordinal);
        Assert.Contains($"h_bucket{{k=\"v\",le=\"3\"}} {6 * PerThread}\n", text, StringComparison.Ordinal);
        Assert.Contains($"h_bucket{{k=\"v\",le=\"+Inf\"}} {8 * PerThread}\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Concurrent_WithLabels_for_the_same_set_yields_one_child()
    {
        var registry = new MetricRegistry();
        Counter c = registry.CreateCounter("c_total", "help", "k");
        var seen = new Counter.Child[Threads];

        RunOnThreads(t =>
        {
            for (int i = 0; i < 1000; i++)
            {
                seen[t] = c.WithLabels((i % 10).ToString(System.Globalization.CultureInfo.InvariantCulture));
                seen[t].Inc();
            }
        });

        string text = registry.Scrape();
        for (int i = 0; i < 10; i++)
        {
            Assert.Contains($"c_total{{k=\"{i}\"}} {Threads * 100}\n", text, StringComparison.Ordinal);
        }

        Assert.Equal(10, text.Split('\n').Count(l => l.StartsWith("c_total{", StringComparison.Ordinal)));
    }

    private static void RunOnThreads(Action<int> work)
    {
        using var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            work(t);
        })).ToArray();
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }
    }
}
