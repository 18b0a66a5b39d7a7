namespace Sideye.SpecCompiler;

/// <summary>
/// One item of <c>capture:</c>: a variable (argument or local) or a field path into one, and the column
/// that holds it. A bare item <c>cs.Mu.Processing</c> is <c>{ expr: cs.Mu.Processing }</c>.
/// </summary>
/// <param name="Column">The explicit <c>column:</c>, or the name derived from the path (see <see cref="ColumnNames.FromExpr"/>).</param>
/// <param name="ColumnSpan">The <c>column:</c> value, or the expression when the name was derived.</param>
public sealed record CaptureSpec(string Expr, SourceSpan ExprSpan, string Column, SourceSpan ColumnSpan)
{
    /// <summary>The argument or local the path starts from (<c>cs</c> in <c>cs.Mu.Processing</c>); a verbatim <c>@</c> is dropped, as in metadata.</summary>
    public string RootVariable => Expr.Split('.')[0].TrimStart('@');

    /// <summary>The fields (or auto-properties, via their backing fields) followed from the root, in order.</summary>
    public EquatableArray<string> FieldPath => Expr.Split('.').Skip(1).Select(s => s.TrimStart('@')).ToEquatableArray();
}
