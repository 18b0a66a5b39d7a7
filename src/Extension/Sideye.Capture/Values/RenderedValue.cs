namespace Sideye.Capture.Values;

/// <summary>
/// One rendered value: the plain JSON users query, the raw JSON (plain plus <c>__addr</c> / <c>__type</c> on every
/// object), and the value's type. When the value itself could not be read, both texts are <c>null</c> and
/// <see cref="Unavailable"/> says why: an unreadable value is data, never an exception.
/// </summary>
public sealed record RenderedValue(string Json, string RawJson, string? TypeName)
{
    /// <summary>Why there is no value (unreadable memory, unknown type, no live location); null when there is one.</summary>
    public string? Unavailable { get; init; }

    public bool IsAvailable => Unavailable is null;

    internal static RenderedValue Unreadable(string reason, string? typeName) =>
        new("null", "null", typeName) { Unavailable = reason };
}
