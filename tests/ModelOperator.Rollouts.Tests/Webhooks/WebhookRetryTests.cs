using ModelOperator.Rollouts.Webhooks;

namespace ModelOperator.Rollouts.Tests.Webhooks;

public sealed class WebhookRetryTests
{
    [Theory]
    [InlineData(-1, 0)]
    [InlineData(0, 0)]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(3, 20)]
    [InlineData(4, 40)]
    [InlineData(5, 60)]
    [InlineData(int.MaxValue, 60)]
    public void The_delay_doubles_from_5s_and_stops_at_a_minute(int failures, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), WebhookRetry.Delay(failures));

    [Theory]
    [InlineData(0, 0, 1)]
    [InlineData(2, 0, 3)]
    [InlineData(0, 2, 3)]
    [InlineData(1, 2, 6)]
    [InlineData(3, 1000, 4004)]
    public void A_check_fails_the_rollout_after_each_run_of_one_call_plus_retries_failed_failure_limit_plus_one_times(int retries, int failureLimit, long failures) =>
        Assert.Equal(failures, WebhookRetry.FailuresThatFailACheck(retries, failureLimit));
}
