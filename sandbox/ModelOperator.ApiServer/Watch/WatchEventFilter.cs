using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Json;
using ModelOperator.ApiServer.Selectors;

namespace ModelOperator.ApiServer.Watch;

/// <summary>
/// What a watcher with selectors sees of an event: an object entering the selection is ADDED,
/// one leaving it is DELETED, changes outside it are dropped.
/// </summary>
internal sealed class WatchEventFilter(LabelSelector labels, FieldSelector fields)
{
    public string? Translate(WatchEvent e)
    {
        if (e.Type is WatchEvent.Bookmark or WatchEvent.Error)
        {
            return e.Type;
        }

        var now = e.Type != WatchEvent.Deleted && Matches(e.Object);
        var before = e.Previous is not null && Matches(e.Previous);
        return e.Type switch
        {
            WatchEvent.Added => now ? WatchEvent.Added : null,
            WatchEvent.Deleted => before || Matches(e.Object) ? WatchEvent.Deleted : null,
            _ when now && before => WatchEvent.Modified,
            _ when now => WatchEvent.Added,
            _ when before => WatchEvent.Deleted,
            _ => null,
        };
    }

    private bool Matches(JsonObject obj) => labels.Matches(obj.Labels()) && fields.Matches(obj);
}
