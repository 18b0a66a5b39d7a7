namespace Sideye.SpecCompiler;

/// <summary>
/// One entry of <c>limits: types:</c>. Unset budgets fall back to the spec-wide ones, so an override
/// says only what differs (<c>{ max_collection_items: 8 }</c>).
/// </summary>
/// <param name="Type">The type's full C# name without generic arguments (<c>System.Collections.Generic.List</c>).</param>
public sealed record TypeLimitsSpec(string Type, SourceSpan TypeSpan, int? MaxStringBytes, int? MaxCollectionItems, int? MaxDepth)
{
    /// <summary>This override applied over <paramref name="defaults"/>.</summary>
    public CaptureLimits Resolve(CaptureLimits defaults) => defaults with
    {
        MaxStringBytes = MaxStringBytes ?? defaults.MaxStringBytes,
        MaxCollectionItems = MaxCollectionItems ?? defaults.MaxCollectionItems,
        MaxDepth = MaxDepth ?? defaults.MaxDepth,
    };
}
