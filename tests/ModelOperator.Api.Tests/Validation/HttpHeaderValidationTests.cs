using ModelOperator.Api.Validation;
using static ModelOperator.Api.Tests.Validation.ModelDeploymentValidatorTests;

namespace ModelOperator.Api.Tests.Validation;

/// <summary>
/// The headers of a web metric and of a webhook: each mistake on its field, with what is allowed, the same for both;
/// and a value, literal or not, is never repeated in a message.
/// </summary>
public sealed class HttpHeaderValidationTests
{
    private const string Token = "Bearer tok-7f3a9c";

    private static readonly HttpHeader FromSecret = new()
    {
        Name = "Authorization",
        ValueFrom = new HttpHeaderSource { SecretKeyRef = new SecretKey { Name = "kpi-token", Key = "authorization" } },
    };

    private static readonly HttpHeader Literal = new() { Name = "X-Tenant", Value = "shop" };

    /// <summary>A ModelDeployment with <paramref name="headers"/> on a web metric (<paramref name="onWebhook"/> false) or on a webhook, and the headers' path.</summary>
    private static (ModelDeployment Md, string Path) With(bool onWebhook, params HttpHeader[] headers)
    {
        var rollout = Valid.Spec!.Rollout!;
        if (onWebhook)
        {
            var hook = new RolloutWebhook { Name = "approve", Url = "https://approvals.example.com/ml", Kind = WebhookKinds.Confirm, At = WebhookPoints.BeforePromotion, Headers = headers };
            return (Valid with { Spec = Valid.Spec with { Rollout = rollout with { Webhooks = [hook] } } }, "spec.rollout.webhooks[0].headers");
        }

        var metric = new AnalysisMetric { Name = "conversion", Min = 0.9, Web = new WebMetricSource { Url = "https://kpi.example.com/c", JsonPath = "value", Headers = headers } };
        return (Valid with { Spec = Valid.Spec with { Rollout = rollout with { Analysis = rollout.Analysis! with { Metrics = [metric] } } } }, "spec.rollout.analysis.metrics[0].web.headers");
    }

    private static readonly Dictionary<string, (HttpHeader[] Headers, string Field, string Says)> Cases = new()
    {
        ["no value and no valueFrom"] = ([FromSecret with { ValueFrom = null }], "[0]", "sets neither value and valueFrom; set exactly one"),
        ["both value and valueFrom"] = ([FromSecret with { Value = Token }], "[0]", "sets both value and valueFrom; set exactly one"),
        ["name missing"] = ([Literal with { Name = null }], "[0].name", "is missing; name the header"),
        ["name not a token"] = ([Literal with { Name = "X Tenant" }], "[0].name", "is not an HTTP header name; use letters, digits and !#$%&'*+-.^_`|~"),
        ["name with a colon"] = ([Literal with { Name = "X-Tenant:" }], "[0].name", "is not an HTTP header name"),
        ["Host"] = ([Literal with { Name = "host" }], "[0].name", "\"host\" is set by HTTP itself"),
        ["Content-Length"] = ([Literal with { Name = "Content-Length" }], "[0].name", "is set by HTTP itself"),
        ["Transfer-Encoding"] = ([Literal with { Name = "Transfer-Encoding" }], "[0].name", "is set by HTTP itself"),
        ["Connection"] = ([Literal with { Name = "Connection" }], "[0].name", "is set by HTTP itself"),
        ["Keep-Alive (hop-by-hop)"] = ([Literal with { Name = "Keep-Alive" }], "[0].name", "is set by HTTP itself"),
        ["TE (hop-by-hop)"] = ([Literal with { Name = "TE" }], "[0].name", "is set by HTTP itself"),
        ["Upgrade (hop-by-hop)"] = ([Literal with { Name = "Upgrade" }], "[0].name", "is set by HTTP itself"),
        ["Proxy-Authorization"] = ([Literal with { Name = "Proxy-Authorization" }], "[0].name", "is set by HTTP itself"),
        ["Content-Type"] = ([Literal with { Name = "content-type" }], "[0].name", "\"content-type\" is set by the operator"),
        ["the same name twice, in another case"] = ([FromSecret, Literal with { Name = "authorization" }], "[1].name", "\"authorization\" is set by an earlier header; header names must be unique (case-insensitively)"),
        ["value with a newline (header injection)"] = ([Literal with { Value = "shop\r\nX-Admin: yes" }], "[0].value", "holds the character code 13 at position 4; a header value may hold printable ASCII characters, spaces and tabs only"),
        ["value ending in a newline"] = ([Literal with { Value = "shop\n" }], "[0].value", "ends with a newline"),
        ["value not ASCII"] = ([Literal with { Value = "caf\u00e9" }], "[0].value", "printable ASCII"),
        ["value with white space around it"] = ([Literal with { Value = " shop" }], "[0].value", "starts or ends with white space"),
        ["value too long"] = ([Literal with { Value = new string('a', HttpHeader.MaxValueLength + 1) }], "[0].value", "at most 4096"),
        ["secretKeyRef missing"] = ([FromSecret with { ValueFrom = new HttpHeaderSource() }], "[0].valueFrom.secretKeyRef", "is missing; name the Secret"),
        ["Secret name not a DNS subdomain"] = ([FromSecret with { ValueFrom = new HttpHeaderSource { SecretKeyRef = new SecretKey { Name = "KPI_token", Key = "k" } } }], "[0].valueFrom.secretKeyRef.name", "\"KPI_token\" is not the name of a Secret; use lower-case letters, digits, '-' and '.'"),
        ["Secret key with a slash"] = ([FromSecret with { ValueFrom = new HttpHeaderSource { SecretKeyRef = new SecretKey { Name = "kpi-token", Key = "a/b" } } }], "[0].valueFrom.secretKeyRef.key", "\"a/b\" is not a Secret key; use letters, digits, '-', '_' and '.'"),
        ["eleven headers"] = ([.. Enumerable.Range(0, HttpHeader.MaxHeaders + 1).Select(i => Literal with { Name = $"X-H{i}" })], "", "has 11 items; at most 10 are allowed"),
    };

    public static TheoryData<string, bool> CaseNames()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in Cases.Keys)
        {
            data.Add(name, false);
            data.Add(name, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Each_mistake_is_reported_on_its_field_with_what_is_allowed(string name, bool onWebhook)
    {
        var (headers, field, says) = Cases[name];
        var (md, path) = With(onWebhook, headers);

        AssertReportedOnce(md, path + field, says);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_bearer_token_from_a_Secret_a_literal_header_and_ten_headers_are_valid(bool onWebhook)
    {
        Assert.Empty(ModelDeploymentValidator.Validate(With(onWebhook, FromSecret, Literal).Md));
        Assert.Empty(ModelDeploymentValidator.Validate(With(onWebhook, [.. Enumerable.Range(0, HttpHeader.MaxHeaders).Select(i => Literal with { Name = $"X-H{i}" })]).Md));
    }

    [Theory]
    [InlineData("Bearer tok-7f3a9c\r\nX-Admin: yes")]
    [InlineData("Bearer tok-7f3a9c\n")]
    [InlineData(" Bearer tok-7f3a9c")]
    public void A_bad_value_is_never_repeated_in_the_message(string value)
    {
        var problems = ModelDeploymentValidator.Validate(With(false, Literal with { Value = value }).Md);

        Assert.Single(problems);
        Assert.DoesNotContain("tok-7f3a9c", problems[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_prints_without_its_value()
    {
        Assert.DoesNotContain("tok-7f3a9c", (Literal with { Value = Token }).ToString(), StringComparison.Ordinal);
    }
}
