namespace ModelOperator.ApiServer.Cel;

/// <summary>
/// A node of a parsed CEL expression. <see cref="Offset"/> is where it starts in the source, for error positions.
/// Macros (<c>has</c>, <c>all</c>, <c>exists</c>, <c>exists_one</c>, <c>map</c>, <c>filter</c>) are expanded by the
/// parser into <see cref="CelHas"/> and <see cref="CelComprehension"/>, as cel-go expands them.
/// </summary>
internal abstract record CelExpr(int Offset);

/// <summary>A literal: null, bool, long, ulong, double, string or byte[].</summary>
internal sealed record CelLiteral(object? Value, int Offset) : CelExpr(Offset);

/// <summary>A name: <c>self</c>, <c>oldSelf</c> or a comprehension variable.</summary>
internal sealed record CelIdent(string Name, int Offset) : CelExpr(Offset);

/// <summary><c>operand.field</c>.</summary>
internal sealed record CelSelect(CelExpr Operand, string Field, int Offset) : CelExpr(Offset);

/// <summary><c>has(operand.field)</c>: whether the field or map key is present.</summary>
internal sealed record CelHas(CelExpr Operand, string Field, int Offset) : CelExpr(Offset);

/// <summary>
/// A function or operator call. Operators use cel-go's internal names (<c>_+_</c>, <c>_[_]</c>, <c>!_</c>, <c>_?_:_</c>,
/// <c>@in</c>); a member call (<c>s.startsWith('x')</c>) has a <see cref="Target"/>.
/// </summary>
internal sealed record CelCall(string Function, CelExpr? Target, IReadOnlyList<CelExpr> Args, int Offset) : CelExpr(Offset);

/// <summary><c>[a, b, c]</c>.</summary>
internal sealed record CelList(IReadOnlyList<CelExpr> Items, int Offset) : CelExpr(Offset);

/// <summary><c>{k: v, …}</c>.</summary>
internal sealed record CelMap(IReadOnlyList<(CelExpr Key, CelExpr Value)> Entries, int Offset) : CelExpr(Offset);

/// <summary>
/// A macro over a list (or a map's keys): which one, the range, the bound variable(s), the predicate or transform,
/// and for the three-argument <c>map</c> its filter. Evaluation short-circuits as CEL's comprehensions do.
/// </summary>
internal sealed record CelComprehension(string Macro, CelExpr Range, string Variable, CelExpr Body, CelExpr? Filter, int Offset) : CelExpr(Offset);
