using ModelOperator.Api.Validation;
using static ModelOperator.Api.Tests.Validation.ModelDeploymentValidatorTests;

namespace ModelOperator.Api.Tests.Validation;

/// <summary>spec.rollout.webhooks: each mistake on its field, with what is allowed.</summary>
public sealed class WebhookValidationTests
{
    private static readonly RolloutWebhook Approve = new()
    {
        Name = "approve",
        Url = "https://approvals.example.com/ml/{{modelDeployment}}?token=secret-token",
        Kind = WebhookKinds.Confirm,
        At = WebhookPoints.BeforePromotion,
    };

    private static ModelDeployment With(params RolloutWebhook[] webhooks) => Valid with
    {
        Spec = Valid.Spec! with { Rollout = Valid.Spec.Rollout! with { Webhooks = webhooks } },
    };

    private static readonly Dictionary<string, (RolloutWebhook[] Webhooks, string Path, string Says)> Cases = new()
    {
        ["bad kind"] = ([Approve with { Kind = "approve" }], "spec.rollout.webhooks[0].kind", "\"approve\" is not a webhook kind; use confirm, check, notify"),
        ["bad point"] = ([Approve with { At = "afterStep" }], "spec.rollout.webhooks[0].at", "\"afterStep\" is not a rollout point; use beforeRollout, beforeStep, beforePromotion, afterPromotion, onRollback"),
        ["timeout above the maximum"] = ([Approve with { Timeout = "2m" }], "spec.rollout.webhooks[0].timeout", "2m is out of range; use more than 0 and at most 60s"),
        ["timeout not a duration"] = ([Approve with { Timeout = "soon" }], "spec.rollout.webhooks[0].timeout", "is not a duration"),
        ["duplicate name"] = ([Approve, Approve with { At = WebhookPoints.BeforeStep }], "spec.rollout.webhooks[1].name", "\"approve\" is used by an earlier webhook; names must be unique"),
        ["upper-case name"] = ([Approve with { Name = "Approve" }], "spec.rollout.webhooks[0].name", "a DNS label"),
        ["url not http"] = ([Approve with { Url = "ftp://approvals.example.com/x" }], "spec.rollout.webhooks[0].url", "not an http:// or https:// URL"),
        ["unknown placeholder"] = ([Approve with { Url = "https://a.example.com/{{pod}}" }], "spec.rollout.webhooks[0].url", "unknown placeholder {{pod}}; allowed: {{namespace}}"),
        ["confirm after promotion"] = ([Approve with { At = WebhookPoints.AfterPromotion }], "spec.rollout.webhooks[0].kind", "confirm at afterPromotion has nothing to gate; a confirm or check runs at beforeRollout, beforeStep, beforePromotion, at afterPromotion use kind notify"),
        ["check on rollback"] = ([Approve with { Kind = WebhookKinds.Check, At = WebhookPoints.OnRollback }], "spec.rollout.webhooks[0].kind", "use kind notify"),
        ["too many retries"] = ([Approve with { Retries = 4 }], "spec.rollout.webhooks[0].retries", "0 to 3 retries"),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Each_mistake_is_reported_on_its_field_with_what_is_allowed(string name)
    {
        var (webhooks, path, says) = Cases[name];

        AssertReportedOnce(With(webhooks), path, says);
    }

    [Fact]
    public void A_bad_url_is_shown_without_its_query()
    {
        var problems = ModelDeploymentValidator.Validate(With(Approve with { Url = "ftp://approvals.example.com/x?token=secret-token" }));

        Assert.DoesNotContain(problems, p => p.Message.Contains("secret-token", StringComparison.Ordinal));
    }

    [Fact]
    public void More_than_eight_webhooks_are_refused()
    {
        var many = Enumerable.Range(0, 9).Select(i => Approve with { Name = $"hook-{i}" }).ToArray();

        AssertReportedOnce(With(many), "spec.rollout.webhooks", "at most 8 are allowed");
    }

    [Fact]
    public void Every_kind_at_every_point_it_allows_is_valid()
    {
        var hooks = new List<RolloutWebhook>();
        foreach (var kind in WebhookKinds.All)
        {
            foreach (var at in kind == WebhookKinds.Notify ? WebhookPoints.All : WebhookPoints.Gates)
            {
                hooks.Add(Approve with { Name = $"{kind}-{at.ToLowerInvariant()}", Kind = kind, At = at, Timeout = "60s", Retries = 3 });
            }
        }

        Assert.Empty(ModelDeploymentValidator.Validate(With([.. hooks.Take(RolloutWebhook.MaxWebhooks)])));
        Assert.Empty(ModelDeploymentValidator.Validate(With([.. hooks.Skip(RolloutWebhook.MaxWebhooks)])));
    }
}
