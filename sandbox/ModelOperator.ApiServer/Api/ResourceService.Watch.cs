using System.Globalization;
using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Errors;
using ModelOperator.ApiServer.Resources;
using ModelOperator.ApiServer.Watch;

namespace ModelOperator.ApiServer.Api;

/// <summary>Starting a watch: the events to replay and the live subscription, taken atomically.</summary>
internal sealed partial class ResourceService
{
    public const string InitialEventsEndAnnotation = "k8s.io/initial-events-end";

    /// <summary>
    /// Opens a watch from <paramref name="resourceVersion"/>: empty or "0" replays the current objects
    /// as ADDED (as does <paramref name="sendInitialEvents"/>, which ends them with a bookmark); a
    /// number replays the history after it, or throws 410 Gone when the history no longer covers it.
    /// </summary>
    public (WatchSubscription Subscription, List<WatchEvent> Initial) StartWatch(ResourceType type, string? ns, string? resourceVersion, bool sendInitialEvents, WatchHub hub)
    {
        var scopeNs = type.Namespaced ? ns : null;
        var subscription = new WatchSubscription(type.StorageKey, scopeNs);
        lock (_store.Gate)
        {
            if (_faults.ConsumeGoneWatch())
            {
                subscription.Dispose();
                throw ApiException.Gone($"too old resource version: {resourceVersion} (injected by fault injection)");
            }

            var initial = new List<WatchEvent>();
            if (sendInitialEvents || string.IsNullOrEmpty(resourceVersion) || resourceVersion == "0")
            {
                foreach (var obj in _store.Enumerate(type.StorageKey, scopeNs))
                {
                    initial.Add(new WatchEvent(WatchEvent.Added, type.StorageKey, obj.Key.Namespace, obj.Object, null, obj.ResourceVersion));
                }

                if (sendInitialEvents)
                {
                    initial.Add(BookmarkEvent(type, initialEventsEnd: true));
                }
            }
            else
            {
                if (!long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var rv))
                {
                    subscription.Dispose();
                    throw ApiException.BadRequest($"resourceVersion \"{resourceVersion}\" is not valid: it must be a resourceVersion returned by this server");
                }

                if (!_store.History.TryGetSince(rv, out var events))
                {
                    subscription.Dispose();
                    throw ApiException.Gone($"too old resource version: {rv} ({_store.History.EvictedUpTo + 1})");
                }

                initial.AddRange(events.Where(subscription.Wants));
            }

            hub.Add(subscription);
            return (subscription, initial);
        }
    }

    /// <summary>Queues a bookmark at the current resourceVersion behind every event already queued.</summary>
    public void QueueBookmark(ResourceType type, WatchSubscription subscription)
    {
        lock (_store.Gate)
        {
            subscription.Events.Writer.TryWrite(BookmarkEvent(type, initialEventsEnd: false));
        }
    }

    private WatchEvent BookmarkEvent(ResourceType type, bool initialEventsEnd)
    {
        var meta = new JsonObject { ["resourceVersion"] = _store.ResourceVersion.ToString(CultureInfo.InvariantCulture) };
        if (initialEventsEnd)
        {
            meta["annotations"] = new JsonObject { [InitialEventsEndAnnotation] = "true" };
        }

        var obj = new JsonObject { ["kind"] = type.Kind, ["apiVersion"] = type.ApiVersion, ["metadata"] = meta };
        return new WatchEvent(WatchEvent.Bookmark, type.StorageKey, "", obj, null, _store.ResourceVersion);
    }
}
