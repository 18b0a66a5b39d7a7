using System.Text;

namespace Sideye.SpecCompiler;

/// <summary>
/// One spelling of a type name for per-type limits, whatever notation the name came in. Internal: the engine
/// goes through <see cref="CapturePlan.LimitsFor"/>, and a public TypeNames would clash with the engine's own.
/// </summary>
internal static class TypeNames
{
    /// <summary>
    /// Drops generic arguments and arity and writes nested types with dots:
    /// <c>Ns.Outer+Inner`1[[System.Int32]]</c>, <c>Ns.Outer.Inner&lt;int&gt;</c> → <c>Ns.Outer.Inner</c>.
    /// Limits apply to every instantiation of a generic type, which is what a budget usually means.
    /// </summary>
    public static string Normalize(string typeName)
    {
        var builder = new StringBuilder(typeName.Length);
        var depth = 0;
        var skippingArity = false;
        foreach (var c in typeName.Trim())
        {
            switch (c)
            {
                case '<' or '[': depth++; continue;
                case '>' or ']': depth--; continue;
            }
            if (depth > 0) continue;
            if (c == '`') { skippingArity = true; continue; }
            if (skippingArity && char.IsDigit(c)) continue;
            skippingArity = false;
            builder.Append(c == '+' ? '.' : c);
        }
        return builder.ToString();
    }
}
