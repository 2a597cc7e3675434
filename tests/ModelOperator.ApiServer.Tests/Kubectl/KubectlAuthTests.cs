using ModelOperator.ApiServer.Tests.Support;

namespace ModelOperator.ApiServer.Tests.Kubectl;

/// <summary>kubectl auth can-i, answered through SelfSubjectAccessReview as a real server answers it.</summary>
public sealed class KubectlAuthTests
{
    [Fact]
    public async Task Can_i_answers_yes_because_this_server_authorizes_every_request()
    {
        await using var h = await ServerHarness.StartAsync();

        var result = (await h.Kubectl.RunAsync("auth", "can-i", "delete", "deployments", "-n", "default")).EnsureSuccess();

        Assert.Equal(["yes"], result.Lines);
    }

    [Fact]
    public async Task A_review_is_answered_not_stored_and_other_verbs_are_405()
    {
        await using var h = await ServerHarness.StartAsync();
        const string Reviews = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";

        var (code, review) = await h.PostAsync(Reviews, """{"spec":{"resourceAttributes":{"verb":"get","resource":"pods","namespace":"default"}}}""");
        Assert.Equal(201, code);
        Assert.Equal("SelfSubjectAccessReview", review["kind"]!.GetValue<string>());
        Assert.True(review["status"]!["allowed"]!.GetValue<bool>());
        Assert.Equal("pods", review["spec"]!["resourceAttributes"]!["resource"]!.GetValue<string>());

        Assert.Equal(405, (await h.GetAsync(Reviews)).Code);
        var (invalid, status) = await h.PostAsync(Reviews, """{"spec":{}}""");
        Assert.Equal(422, invalid);
        Assert.Equal("spec.resourceAttributes", status["details"]!["causes"]![0]!["field"]!.GetValue<string>());
    }
}
