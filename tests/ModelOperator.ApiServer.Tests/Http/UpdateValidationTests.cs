using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Tests.Support;

namespace ModelOperator.ApiServer.Tests.Http;

/// <summary>The 422 answers a real server gives for names, Service ports and fields that may not change, with its causes.</summary>
public sealed class UpdateValidationTests
{
    private const string Deployments = "/apis/apps/v1/namespaces/default/deployments";
    private const string Services = "/api/v1/namespaces/default/services";
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    private static JsonNode Cause(JsonObject status, int i = 0) => status["details"]!["causes"]![i]!;

    [Fact]
    public async Task Service_names_are_DNS_1035_labels()
    {
        await using var h = await ServerHarness.StartAsync();

        var (code, status) = await h.PostAsync(Services, """{"metadata":{"name":"1web"},"spec":{"ports":[{"port":80}]}}""");
        var (okCode, _) = await h.PostAsync(ConfigMaps, """{"metadata":{"name":"1web"}}"""); // a subdomain may start with a digit

        Assert.Equal(422, code);
        Assert.Equal("Invalid", status["reason"]!.GetValue<string>());
        Assert.Equal("metadata.name", Cause(status)["field"]!.GetValue<string>());
        Assert.Equal("FieldValueInvalid", Cause(status)["reason"]!.GetValue<string>());
        Assert.StartsWith("Service \"1web\" is invalid: metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of", status["message"]!.GetValue<string>());
        Assert.Equal(201, okCode);
    }

    [Fact]
    public async Task Service_ports_need_distinct_names_when_there_are_several()
    {
        await using var h = await ServerHarness.StartAsync();

        var (code, status) = await h.PostAsync(Services, """{"metadata":{"name":"web"},"spec":{"ports":[{"name":"http","port":80},{"name":"http","port":81},{"port":82}]}}""");

        Assert.Equal(422, code);
        Assert.Equal(("spec.ports[1].name", "FieldValueDuplicate", "Duplicate value: \"http\""), (Cause(status)["field"]!.GetValue<string>(), Cause(status)["reason"]!.GetValue<string>(), Cause(status)["message"]!.GetValue<string>()));
        Assert.Equal(("spec.ports[2].name", "FieldValueRequired"), (Cause(status, 1)["field"]!.GetValue<string>(), Cause(status, 1)["reason"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_service_cluster_ip_may_not_change_once_set()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.CreateAsync(Services, """{"metadata":{"name":"web"},"spec":{"clusterIP":"10.96.7.7","ports":[{"port":80}]}}""");

        var (code, status) = await h.PatchAsync(Services + "/web", """{"spec":{"clusterIP":"10.96.7.8"}}""");

        Assert.Equal(422, code);
        Assert.Equal("Service \"web\" is invalid: spec.clusterIPs[0]: Invalid value: [\"10.96.7.8\"]: may not change once set", status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_deployment_selector_is_immutable()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.CreateAsync(Deployments, Manifests.ToJson(Manifests.Deployment("web")));

        var (code, status) = await h.PatchAsync(Deployments + "/web",
            """{"spec":{"selector":{"matchLabels":{"app":"web","tier":"x"}},"template":{"metadata":{"labels":{"app":"web","tier":"x"}}}}}""");
        var (scaleCode, _) = await h.PatchAsync(Deployments + "/web", """{"spec":{"replicas":5}}""");

        Assert.Equal(422, code);
        Assert.Equal("spec.selector", Cause(status)["field"]!.GetValue<string>());
        Assert.EndsWith(": field is immutable", Cause(status)["message"]!.GetValue<string>());
        Assert.StartsWith("Deployment.apps \"web\" is invalid: spec.selector: Invalid value: ", status["message"]!.GetValue<string>());
        Assert.Equal(200, scaleCode);
    }

    [Fact]
    public async Task An_immutable_config_map_keeps_its_data_and_its_immutability()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.CreateAsync(ConfigMaps, """{"metadata":{"name":"c"},"immutable":true,"data":{"k":"1"}}""");

        var (dataCode, data) = await h.PatchAsync(ConfigMaps + "/c", """{"data":{"k":"2"}}""");
        var (flagCode, flag) = await h.PatchAsync(ConfigMaps + "/c", """{"immutable":false}""");
        var (labelCode, _) = await h.PatchAsync(ConfigMaps + "/c", """{"metadata":{"labels":{"a":"b"}}}""");

        Assert.Equal(422, dataCode);
        Assert.Equal(("data", "FieldValueForbidden", "Forbidden: field is immutable when `immutable` is set"), (Cause(data)["field"]!.GetValue<string>(), Cause(data)["reason"]!.GetValue<string>(), Cause(data)["message"]!.GetValue<string>()));
        Assert.Equal(422, flagCode);
        Assert.Equal("immutable", Cause(flag)["field"]!.GetValue<string>());
        Assert.Equal(200, labelCode); // metadata still changes
    }

    [Fact]
    public async Task Label_keys_and_values_follow_the_label_syntax()
    {
        await using var h = await ServerHarness.StartAsync();

        var (code, status) = await h.PostAsync(ConfigMaps, """{"metadata":{"name":"c","labels":{"bad key":"v","ok":"-bad-value"}}}""");

        Assert.Equal(422, code);
        Assert.All(status["details"]!["causes"]!.AsArray(), c => Assert.Equal("metadata.labels", c!["field"]!.GetValue<string>()));
        Assert.Equal(2, status["details"]!["causes"]!.AsArray().Count);
    }
}
