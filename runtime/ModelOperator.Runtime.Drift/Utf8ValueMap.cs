using System.Text;

namespace ModelOperator.Runtime.Drift;

/// <summary>
/// The index of a known text value, looked up by its UTF-8 bytes: a fixed open-addressing hash table built once from
/// the profile's values, so that the request path maps a string element straight from the request buffer to its bin
/// without decoding it or allocating. Immutable and safe to read from many threads.
/// </summary>
/// <remarks>
/// Linear probing over a power-of-two table at most half full, so a lookup (known or not) ends after a couple of
/// probes. Each slot keeps the key's hash to compare bytes only on a hash match. The hash is <see cref="HashCode"/>,
/// seeded per process, so crafted request values cannot aim at a chosen slot.
/// </remarks>
internal sealed class Utf8ValueMap
{
    private readonly byte[] _keys;   // every key's UTF-8 bytes, one after the other
    private readonly int[] _starts;  // key i is _keys[_starts[i] .. _starts[i + 1]]
    private readonly int[] _entries; // per slot: key index + 1, or 0 when empty
    private readonly int[] _hashes;  // per slot: the hash of its key
    private readonly int _mask;

    /// <param name="values">Distinct values; their positions are the indices <see cref="IndexOf"/> answers.</param>
    public Utf8ValueMap(IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var encoded = values.Select(v => Encoding.UTF8.GetBytes(v)).ToArray();
        _starts = new int[encoded.Length + 1];
        for (var i = 0; i < encoded.Length; i++)
        {
            _starts[i + 1] = checked(_starts[i] + encoded[i].Length);
        }

        _keys = new byte[_starts[^1]];
        for (var i = 0; i < encoded.Length; i++)
        {
            encoded[i].CopyTo(_keys, _starts[i]);
        }

        var size = (int)Math.Max(2, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, encoded.Length * 2)));
        _entries = new int[size];
        _hashes = new int[size];
        _mask = size - 1;
        for (var i = 0; i < encoded.Length; i++)
        {
            var hash = Hash(encoded[i]);
            var slot = hash & _mask;
            while (_entries[slot] != 0)
            {
                if (Key(_entries[slot] - 1).SequenceEqual(encoded[i]))
                {
                    throw new ArgumentException($"The value \"{values[i]}\" appears twice; values must be distinct.", nameof(values));
                }

                slot = (slot + 1) & _mask;
            }

            _entries[slot] = i + 1;
            _hashes[slot] = hash;
        }
    }

    /// <summary>The index of the value whose UTF-8 bytes are <paramref name="utf8"/>, or -1 when it is not known. No allocation.</summary>
    public int IndexOf(ReadOnlySpan<byte> utf8)
    {
        var hash = Hash(utf8);
        var slot = hash & _mask;
        while (_entries[slot] is var entry and not 0)
        {
            if (_hashes[slot] == hash && Key(entry - 1).SequenceEqual(utf8))
            {
                return entry - 1;
            }

            slot = (slot + 1) & _mask;
        }

        return -1;
    }

    private ReadOnlySpan<byte> Key(int index) => _keys.AsSpan(_starts[index], _starts[index + 1] - _starts[index]);

    private static int Hash(ReadOnlySpan<byte> utf8)
    {
        var hash = default(HashCode);
        hash.AddBytes(utf8);
        return hash.ToHashCode() & int.MaxValue;
    }
}
