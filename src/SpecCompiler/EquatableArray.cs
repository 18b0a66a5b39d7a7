namespace Sideye.SpecCompiler;

/// <summary>
/// Builds <see cref="EquatableArray{T}"/> values; also the target of collection expressions
/// (<c>EquatableArray&lt;string&gt; path = ["Mu", "Processing"];</c>).
/// </summary>
public static class EquatableArray
{
    public static EquatableArray<T> Create<T>(ReadOnlySpan<T> items) => new(items.ToArray());

    public static EquatableArray<T> ToEquatableArray<T>(this IEnumerable<T> items) => new(items);
}
