using System.Globalization;
using System.Text;

namespace ModelOperator.Runtime.Drift;

/// <summary>Reference rows read from CSV: the column names and the values row after row.</summary>
/// <param name="Columns">The column names, in order.</param>
/// <param name="RowMajorValues">rows × columns numbers, row after row; 0 in text columns.</param>
/// <param name="Rows">Number of rows.</param>
public sealed record ReferenceData(IReadOnlyList<string> Columns, float[] RowMajorValues, int Rows)
{
    /// <summary>Per column, its text values row by row when it is a text column, else null (or the list is shorter).</summary>
    public IReadOnlyList<string[]?> Text { get; init; } = [];

    /// <summary>True when column <paramref name="column"/> holds text.</summary>
    public bool IsText(int column) => column < Text.Count && Text[column] is not null;
}

/// <summary>
/// Reads a reference dataset from CSV: a header row of column names, then one row of values per line: numbers
/// (invariant culture, '.' as decimal point), or any text in the columns named as text (a BYTES input's); fields may be
/// double-quoted, which a text value with a comma, a quote or edge spaces needs. Blank lines are skipped.
/// The header must name exactly the model's features in the model's order.
/// </summary>
public static class ReferenceCsvReader
{
    /// <param name="reader">The CSV text.</param>
    /// <param name="expectedColumns">The model's feature names, in order.</param>
    /// <param name="textColumns">Indices of the columns that hold text; the others must hold finite numbers.</param>
    /// <exception cref="InvalidDataException">The header does not match the features, or a value is not a finite number; the message names the row and column.</exception>
    public static ReferenceData Read(TextReader reader, IReadOnlyList<string> expectedColumns, IReadOnlySet<int>? textColumns = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(expectedColumns);
        textColumns ??= new HashSet<int>();
        int lineNumber = 0;
        string? line;
        do
        {
            line = reader.ReadLine();
            lineNumber++;
        }
        while (line is not null && line.Trim().Length == 0);

        if (line is null)
        {
            throw new InvalidDataException($"The reference CSV is empty; expected a header row naming the columns: {string.Join(", ", expectedColumns)}.");
        }

        List<string> header = SplitFields(line, lineNumber);
        CheckHeader(header, expectedColumns);

        var values = new List<float>();
        var text = Enumerable.Range(0, header.Count).Select(c => textColumns.Contains(c) ? new List<string>() : null).ToArray();
        int rows = 0;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            rows++;
            List<string> fields = SplitFields(line, lineNumber);
            if (fields.Count != header.Count)
            {
                throw new InvalidDataException(
                    $"row {rows} (line {lineNumber}) has {fields.Count} values but the header has {header.Count} columns; every row needs one value per column.");
            }

            for (int c = 0; c < fields.Count; c++)
            {
                string field = fields[c];
                if (text[c] is { } strings)
                {
                    strings.Add(field);
                    values.Add(0);
                    continue;
                }

                if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out float value))
                {
                    throw new InvalidDataException($"row {rows} column \"{header[c]}\": \"{field}\" is not a number (line {lineNumber}).");
                }

                if (!float.IsFinite(value))
                {
                    throw new InvalidDataException(
                        $"row {rows} column \"{header[c]}\": \"{field}\" is not a finite number (line {lineNumber}); reference data must be finite and within the float range.");
                }

                values.Add(value);
            }
        }

        if (rows == 0)
        {
            throw new InvalidDataException("The reference CSV has a header but no rows; at least one reference row is needed.");
        }

        return new ReferenceData(header, [.. values], rows) { Text = [.. text.Select(t => t?.ToArray())] };
    }

    private static void CheckHeader(List<string> header, IReadOnlyList<string> expected)
    {
        if (header.Count != expected.Count)
        {
            throw new InvalidDataException(
                $"The header has {header.Count} columns ({string.Join(", ", header)}) but the model has {expected.Count} features ({string.Join(", ", expected)}); the header must name every feature once, in the model's order.");
        }

        for (int i = 0; i < header.Count; i++)
        {
            if (!string.Equals(header[i], expected[i], StringComparison.Ordinal))
            {
                throw new InvalidDataException(
                    $"column {i + 1} is \"{header[i]}\" but the model's feature {i + 1} is \"{expected[i]}\"; the header must name the features in the model's order.");
            }
        }
    }

    /// <summary>Splits one CSV line; unquoted fields are trimmed; a field in double quotes keeps its spaces and may hold commas and "" for a quote.</summary>
    internal static List<string> SplitFields(string line, int lineNumber)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        int i = 0;
        while (true)
        {
            field.Clear();
            while (i < line.Length && line[i] is ' ' or '\t')
            {
                i++;
            }

            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        throw new InvalidDataException($"line {lineNumber}: a quoted field is not closed; end it with a double quote.");
                    }

                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(line[i++]);
                }

                while (i < line.Length && line[i] is ' ' or '\t')
                {
                    i++;
                }

                if (i < line.Length && line[i] != ',')
                {
                    throw new InvalidDataException($"line {lineNumber}: unexpected text after a quoted field at position {i + 1}; expected a comma.");
                }

                fields.Add(field.ToString());
            }
            else
            {
                int start = i;
                while (i < line.Length && line[i] != ',')
                {
                    i++;
                }

                fields.Add(line[start..i].Trim());
            }

            if (i >= line.Length)
            {
                return fields;
            }

            i++; // the comma
        }
    }
}
