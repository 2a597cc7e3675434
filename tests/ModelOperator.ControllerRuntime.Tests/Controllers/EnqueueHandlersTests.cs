using ModelOperator.ControllerRuntime.Controllers;
using ModelOperator.ControllerRuntime.Queue;
using ModelOperator.ControllerRuntime.Tests.Support;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Testing;

namespace ModelOperator.ControllerRuntime.Tests.Controllers;

public sealed class EnqueueHandlersTests
{
    [Theory]
    [InlineData("models.example.com/v1", "Model", true, "ns/m1")]
    [InlineData("models.example.com/v2", "Model", true, "ns/m1")] // any version of the group
    [InlineData("other.example.com/v1", "Model", true, "")]
    [InlineData("models.example.com/v1", "Other", true, "")]
    [InlineData("models.example.com/v1", "Model", false, "")] // an owner that is not the controller
    public void Owner_keys_follow_the_controller_reference_of_the_right_group_and_kind(string apiVersion, string kind, bool controller, string expected)
    {
        var owner = new OwnerReference { ApiVersion = apiVersion, Kind = kind, Name = "m1", Uid = "u1", Controller = controller };
        var lease = Objects.Lease("ns", "child", "1", owner: owner);

        var keys = EnqueueHandlers.OwnerKeys(lease, "models.example.com", "Model");

        Assert.Equal(expected, string.Join(",", keys));
    }

    [Fact]
    public void Core_group_owners_match_an_empty_group()
    {
        var lease = Objects.Lease("ns", "child", "1", owner: Objects.ControllerRef("Service", "web", "u", apiVersion: "v1"));

        Assert.Equal([new ObjectKey("ns", "web")], EnqueueHandlers.OwnerKeys(lease, string.Empty, "Service"));
    }

    [Fact]
    public void Every_change_enqueues_and_updates_enqueue_both_old_and_new_owner()
    {
        using var queue = new WorkQueue<ObjectKey>(new ManualTimeProvider());
        var handler = EnqueueHandlers.ForControllerOwner<Lease>(queue, "example.com", "Model");
        var before = Objects.Lease("ns", "child", "1", owner: Objects.ControllerRef("Model", "old-owner", "u1"));
        var after = Objects.Lease("ns", "child", "2", owner: Objects.ControllerRef("Model", "new-owner", "u2"));

        handler.OnUpdate(before, after);
        handler.OnDelete(after, finalStateUnknown: true);
        handler.OnAdd(Objects.Lease("ns", "orphan", "1"), isInInitialList: false);

        Assert.Equal(2, queue.Length);
    }

    [Fact]
    public void The_object_handler_enqueues_the_object_key()
    {
        using var queue = new WorkQueue<ObjectKey>(new ManualTimeProvider());
        var handler = EnqueueHandlers.ForObject<Lease>(queue);

        handler.OnAdd(Objects.Lease("ns", "a", "1"), isInInitialList: true);
        handler.OnAdd(Objects.Lease("ns", "a", "2"), isInInitialList: false);
        handler.OnAdd(Objects.Lease("ns", "b", "1"), isInInitialList: false);

        Assert.Equal(2, queue.Length);
    }
}
