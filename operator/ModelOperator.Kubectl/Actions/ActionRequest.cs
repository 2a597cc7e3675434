using System.Text.Json.Nodes;

namespace ModelOperator.Kubectl.Actions;

/// <summary>
/// An edit of the ModelDeployment to send as a JSON merge patch, and what to tell the user about it.
/// <see cref="Patch"/> is null when the object already is as asked (nothing to write).
/// </summary>
internal sealed record ActionRequest(JsonObject? Patch, string Report);
