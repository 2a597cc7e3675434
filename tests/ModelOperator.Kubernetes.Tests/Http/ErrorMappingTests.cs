using System.Net;
using System.Net.Http.Headers;
using ModelOperator.Kubernetes.Configuration;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Testing;
using k8s.Authentication;
using Moq;

namespace ModelOperator.Kubernetes.Tests.Http;

public sealed class ErrorMappingTests
{
    private static readonly ObjectKey Key = new("serving", "churn");

    private static KubernetesClient Client(StubHandler handler, KubernetesClientOptions? options = null, KubernetesCredentials? credentials = null) =>
        new(new KubernetesConfiguration { Server = new Uri("https://api.test:6443"), Credentials = credentials ?? KubernetesCredentials.Token("secret") }, options, handler);

    private static string StatusJson(int code, string reason, string message, string details = "null") =>
        $$"""{"kind":"Status","apiVersion":"v1","status":"Failure","code":{{code}},"reason":"{{reason}}","message":"{{message}}","details":{{details}}}""";

    [Fact]
    public async Task Not_found_carries_the_status()
    {
        var handler = new StubHandler().Respond(HttpStatusCode.NotFound, StatusJson(404, "NotFound", "deployments.apps \\\"churn\\\" not found"));
        using var client = Client(handler);

        var e = await Assert.ThrowsAsync<KubernetesNotFoundException>(() => client.Resource<Deployment>().GetAsync(Key));

        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
        Assert.Equal("NotFound", e.Reason);
        Assert.Contains("get Deployment serving/churn failed with 404 NotFound", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Conflict_and_already_exists_are_told_apart_by_reason()
    {
        var handler = new StubHandler()
            .Respond(HttpStatusCode.Conflict, StatusJson(409, "AlreadyExists", "already exists"))
            .Respond(HttpStatusCode.Conflict, StatusJson(409, "Conflict", "the object has been modified"));
        using var client = Client(handler);
        var deployment = new Deployment { Metadata = new ObjectMeta { Name = "churn", Namespace = "serving", ResourceVersion = "7" } };

        var exists = await Assert.ThrowsAsync<KubernetesConflictException>(() => client.Resource<Deployment>().CreateAsync(deployment));
        var stale = await Assert.ThrowsAsync<KubernetesConflictException>(() => client.Resource<Deployment>().UpdateAsync(deployment));

        Assert.True(exists.IsAlreadyExists);
        Assert.False(stale.IsAlreadyExists);
        Assert.Equal(StatusReasons.Conflict, stale.Reason);
    }

    [Fact]
    public async Task Gone_and_invalid_with_causes()
    {
        var handler = new StubHandler()
            .Respond(HttpStatusCode.Gone, StatusJson(410, "Expired", "too old resource version: 1 (50)"))
            .Respond(HttpStatusCode.UnprocessableEntity, StatusJson(422, "Invalid", "Deployment is invalid",
                """{"name":"churn","kind":"Deployment","causes":[{"reason":"FieldValueInvalid","message":"must be greater than or equal to 0","field":"spec.replicas"}]}"""));
        using var client = Client(handler);

        await Assert.ThrowsAsync<KubernetesGoneException>(() => client.Resource<Deployment>().ListAsync("serving", new ListOptions { ResourceVersion = "1", ResourceVersionMatch = "Exact" }));
        var invalid = await Assert.ThrowsAsync<KubernetesInvalidException>(() => client.Resource<Deployment>().PatchAsync(Key, Patch.Merge(new() { ["spec"] = new System.Text.Json.Nodes.JsonObject { ["replicas"] = -1 } })));

        var cause = Assert.Single(invalid.Causes);
        Assert.Equal("spec.replicas", cause.Field);
        Assert.Contains("spec.replicas: must be greater than or equal to 0", invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_many_requests_keeps_retry_after_when_retries_are_exhausted()
    {
        var handler = new StubHandler().Respond(HttpStatusCode.TooManyRequests, StatusJson(429, "TooManyRequests", "slow down"),
            r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7)));
        using var client = Client(handler, new KubernetesClientOptions { MaxTooManyRequestsRetries = 0 });

        var e = await Assert.ThrowsAsync<KubernetesTooManyRequestsException>(() => client.Resource<Pod>().GetAsync(Key));

        Assert.Equal(TimeSpan.FromSeconds(7), e.RetryAfter);
    }

    [Fact]
    public async Task Too_many_requests_is_retried_after_the_servers_delay()
    {
        var time = new ManualTimeProvider();
        var handler = new StubHandler()
            .Respond(HttpStatusCode.TooManyRequests, StatusJson(429, "TooManyRequests", "slow down"), r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(3)))
            .Respond(HttpStatusCode.OK, """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"churn","namespace":"serving"}}""");
        var logs = new TestLoggerFactory();
        using var client = Client(handler, new KubernetesClientOptions { TimeProvider = time, LoggerFactory = logs });

        var get = client.Resource<Pod>().GetAsync(Key);

        // Once the throttle is logged the request's own timeout timer is gone; the one pending timer is the wait.
        await Eventually.TrueAsync(() => (logs.Has("Throttled") && time.PendingTimers == 1) || get.IsCompleted);
        Assert.False(get.IsCompleted);
        Assert.Single(handler.Requests);
        time.Advance(TimeSpan.FromSeconds(3));
        var pod = await get;

        Assert.Equal("churn", pod.Metadata.Name);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Non_status_error_body_is_wrapped_in_a_synthesized_status()
    {
        var handler = new StubHandler().Respond(HttpStatusCode.BadGateway, "upstream connect error");
        using var client = Client(handler);

        var e = await Assert.ThrowsAsync<KubernetesApiException>(() => client.Resource<Deployment>().GetAsync(Key));

        Assert.Equal(HttpStatusCode.BadGateway, e.StatusCode);
        Assert.Equal(502, e.Status.Code);
        Assert.Equal("InternalError", e.Reason);
        Assert.Equal("upstream connect error", e.Status.Message);
    }

    [Fact]
    public async Task Unauthorized_renews_the_credentials_once_then_fails()
    {
        // The boundary is KubernetesClient's token provider: after a 401 the client must ask a new one (an exec plugin
        // runs again), exactly once per request.
        var created = new List<Mock<ITokenProvider>>();
        var credentials = new KubernetesCredentials(() =>
        {
            var provider = new Mock<ITokenProvider>(MockBehavior.Strict);
            var token = $"token-{created.Count + 1}";
            provider.Setup(p => p.GetAuthenticationHeaderAsync(It.IsAny<CancellationToken>())).ReturnsAsync(new AuthenticationHeaderValue("Bearer", token));
            created.Add(provider);
            return provider.Object;
        });
        var handler = new StubHandler()
            .Respond(HttpStatusCode.Unauthorized, StatusJson(401, "Unauthorized", "Unauthorized"))
            .Respond(HttpStatusCode.Unauthorized, StatusJson(401, "Unauthorized", "Unauthorized"));
        using var client = Client(handler, credentials: credentials);

        var e = await Assert.ThrowsAsync<KubernetesApiException>(() => client.Resource<Deployment>().GetAsync(Key));

        Assert.Equal(HttpStatusCode.Unauthorized, e.StatusCode);
        Assert.Equal(2, created.Count);
        created[0].Verify(p => p.GetAuthenticationHeaderAsync(It.IsAny<CancellationToken>()), Times.Once);
        created[1].Verify(p => p.GetAuthenticationHeaderAsync(It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal(["Bearer token-1", "Bearer token-2"], handler.Requests.Select(r => r.Authorization));
    }

    [Fact]
    public async Task Requests_carry_accept_user_agent_field_manager_and_content_types()
    {
        var ok = """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"churn","namespace":"serving"}}""";
        var handler = new StubHandler()
            .Respond(HttpStatusCode.OK, ok)
            .Respond(HttpStatusCode.OK, ok)
            .Respond(HttpStatusCode.OK, ok)
            .Respond(HttpStatusCode.OK, """{"kind":"Status","apiVersion":"v1","status":"Success"}""");
        using var client = Client(handler);
        var deployments = client.Resource<Deployment>();
        var desired = new Deployment { Metadata = new ObjectMeta { Name = "churn", Namespace = "serving" }, Spec = new DeploymentSpec { Replicas = 2 } };

        await deployments.ApplyAsync(desired, new ApplyOptions { FieldManager = "modeloperator", Force = true });
        await deployments.PatchAsync(Key, Patch.Json(JsonPatchOperation.Replace("/spec/replicas", 3)));
        await deployments.PatchStatusAsync(Key, Patch.Merge(new() { ["status"] = new System.Text.Json.Nodes.JsonObject { ["replicas"] = 1 } }));
        var deleted = await deployments.DeleteAsync(Key, new DeleteOptions { PropagationPolicy = PropagationPolicy.Foreground, PreconditionUid = "u1" });

        Assert.Null(deleted);
        Assert.All(handler.Requests, r => Assert.Equal("application/json", r.Accept));
        Assert.All(handler.Requests, r => Assert.StartsWith("modeloperator/", r.UserAgent, StringComparison.Ordinal));
        Assert.Equal("/apis/apps/v1/namespaces/serving/deployments/churn?fieldManager=modeloperator&force=true", handler.Requests[0].PathAndQuery);
        Assert.Equal("application/apply-patch+yaml", handler.Requests[0].ContentType);
        Assert.Equal("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"churn","namespace":"serving"},"spec":{"replicas":2}}""", handler.Requests[0].Body);
        Assert.Equal("application/json-patch+json", handler.Requests[1].ContentType);
        Assert.Equal("""[{"op":"replace","path":"/spec/replicas","value":3}]""", handler.Requests[1].Body);
        Assert.Equal("/apis/apps/v1/namespaces/serving/deployments/churn/status?fieldManager=modeloperator", handler.Requests[2].PathAndQuery);
        Assert.Equal("application/merge-patch+json", handler.Requests[2].ContentType);
        Assert.Equal("DELETE", handler.Requests[3].Method);
        Assert.Equal("""{"apiVersion":"v1","kind":"DeleteOptions","propagationPolicy":"Foreground","preconditions":{"uid":"u1"}}""", handler.Requests[3].Body);
    }
}
