namespace Sideye.SpecCompiler;

/// <summary>
/// How much of a value the capture engine renders: one validated type shared by the spec (the
/// <c>limits:</c> key) and the engine, in the spirit of Delve's LoadConfig. Defaults are the spec's defaults.
/// </summary>
public sealed record CaptureLimits
{
    public static readonly CaptureLimits Default = new();

    private readonly int _maxStringBytes = 512;
    private readonly int _maxCollectionItems = 64;
    private readonly int _maxDepth = 4;

    /// <summary>Strings longer than this (in UTF-8 bytes) are cut, with a marker saying how long they were.</summary>
    public int MaxStringBytes { get => _maxStringBytes; init => _maxStringBytes = Positive(value, nameof(MaxStringBytes)); }

    /// <summary>Collections show at most this many elements, plus their real count.</summary>
    public int MaxCollectionItems { get => _maxCollectionItems; init => _maxCollectionItems = Positive(value, nameof(MaxCollectionItems)); }

    /// <summary>Objects nested deeper than this are rendered as a reference (address and type) only.</summary>
    public int MaxDepth { get => _maxDepth; init => _maxDepth = Positive(value, nameof(MaxDepth)); }

    private static int Positive(int value, string name) =>
        value > 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.");
}
