using System.Collections;
using System.Runtime.CompilerServices;

namespace Sideye.SpecCompiler;

/// <summary>
/// An immutable list compared by its elements. The model and plan records hold lists; with plain arrays
/// or lists, record equality would compare references, and "the plan did not change" (what the engine
/// uses to decide whether to reload) could never be true for two compilations. <c>default</c> is empty.
/// </summary>
[CollectionBuilder(typeof(EquatableArray), nameof(EquatableArray.Create))]
public readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IReadOnlyList<T>
{
    private readonly T[]? _items;

    public EquatableArray(IEnumerable<T> items) => _items = items.ToArray();

    public static EquatableArray<T> Empty => default;

    public int Count => _items?.Length ?? 0;

    public bool IsEmpty => Count == 0;

    public T this[int index] => Items[index];

    // The array is never handed out, so nobody can mutate a value that others compare and hash.
    private T[] Items => _items ?? [];

    public ReadOnlySpan<T> AsSpan() => Items;

    public bool Equals(EquatableArray<T> other)
    {
        T[] mine = Items, theirs = other.Items;
        if (mine.Length != theirs.Length) return false;
        var comparer = EqualityComparer<T>.Default;
        for (var i = 0; i < mine.Length; i++)
        {
            if (!comparer.Equals(mine[i], theirs[i])) return false;
        }
        return true;
    }

    public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in Items) hash.Add(item);
        return hash.ToHashCode();
    }

    public static bool operator ==(EquatableArray<T> left, EquatableArray<T> right) => left.Equals(right);

    public static bool operator !=(EquatableArray<T> left, EquatableArray<T> right) => !left.Equals(right);

    /// <summary>Lists the elements, so a failed plan comparison in a test shows what differs.</summary>
    public override string ToString() => "[" + string.Join(", ", Items) + "]";

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)Items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
