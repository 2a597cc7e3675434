namespace ModelOperator.Kubectl.Rendering;

/// <summary>
/// Left-aligned columns separated by at least two spaces, the last column unpadded (as kubectl's tables). A cell is
/// one line: line breaks and other control characters in it (a condition message, say) are shown escaped.
/// </summary>
internal static class Table
{
    public static IReadOnlyList<string> Lines(IReadOnlyList<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        rows = rows.Select(row => (IReadOnlyList<string>)row.Select(cell => TerminalText.Escape(cell)).ToList()).ToList();
        if (rows.Count == 0)
        {
            return [];
        }

        var columns = rows.Max(r => r.Count);
        var widths = new int[columns];
        foreach (var row in rows)
        {
            for (var c = 0; c < row.Count - 1; c++)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }

        return rows.Select(row => string.Concat(row.Select((cell, c) => c < row.Count - 1 ? cell.PadRight(widths[c] + 2) : cell)).TrimEnd()).ToList();
    }
}
