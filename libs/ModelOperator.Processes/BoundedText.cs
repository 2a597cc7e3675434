using System.Text;

namespace ModelOperator.Processes;

/// <summary>
/// Text a child prints, kept to its last <c>limit</c> characters so a chatty child cannot fill the memory of the
/// process that reads it. What was dropped is counted and said at the start of <see cref="ToString"/>.
/// </summary>
internal sealed class BoundedText(int limit)
{
    private readonly StringBuilder _text = new();
    private readonly Lock _gate = new();
    private long _dropped;

    public void Append(ReadOnlySpan<char> chunk)
    {
        lock (_gate)
        {
            _text.Append(chunk);
            // Trim only when twice over the limit: each character is moved at most once, whatever the chunk size.
            if (_text.Length > 2 * limit)
            {
                var excess = _text.Length - limit;
                _text.Remove(0, excess);
                _dropped += excess;
            }
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            var excess = Math.Max(0, _text.Length - limit);
            var dropped = _dropped + excess;
            var kept = _text.ToString(excess, _text.Length - excess);
            return dropped == 0 ? kept : $"[{dropped} earlier characters dropped]\n{kept}";
        }
    }
}
