namespace ModelOperator.ApiServer.Cel;

/// <summary>The kinds of token CEL's grammar has.</summary>
internal enum CelTokenKind
{
    End,
    Identifier,
    Int,
    Uint,
    Double,
    String,
    Bytes,
    Punctuation,
}

/// <summary>
/// One token of a CEL expression. <see cref="Text"/> is the operator or identifier as written;
/// <see cref="Value"/> the decoded literal (long, ulong, double, string or byte[]).
/// </summary>
internal sealed record CelToken(CelTokenKind Kind, string Text, object? Value, int Offset);
