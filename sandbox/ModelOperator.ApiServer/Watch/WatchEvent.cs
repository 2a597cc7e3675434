using System.Text.Json.Nodes;

namespace ModelOperator.ApiServer.Watch;

/// <summary>
/// A change to one stored object. <see cref="Previous"/> is the object before the change (for
/// MODIFIED and DELETED), so a watcher with a selector can turn a change into ADDED or DELETED
/// when the object moves into or out of its selection.
/// </summary>
internal sealed record WatchEvent(string Type, string StorageKey, string Namespace, JsonObject Object, JsonObject? Previous, long ResourceVersion)
{
    public const string Added = "ADDED";
    public const string Modified = "MODIFIED";
    public const string Deleted = "DELETED";
    public const string Bookmark = "BOOKMARK";
    public const string Error = "ERROR";
}
