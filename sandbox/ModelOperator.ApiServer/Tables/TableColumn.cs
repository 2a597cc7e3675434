using System.Text.Json.Nodes;

namespace ModelOperator.ApiServer.Tables;

/// <summary>One column of a Table: its definition and how to compute its cell from an object at a time.</summary>
internal sealed record TableColumn(string Name, string Type, string Format, string Description, int Priority, Func<JsonObject, DateTimeOffset, JsonNode?> Cell);
