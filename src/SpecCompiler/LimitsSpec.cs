namespace Sideye.SpecCompiler;

/// <summary>The <c>limits:</c> key: budgets for every captured value, and overrides for some types.</summary>
public sealed record LimitsSpec(CaptureLimits Defaults, EquatableArray<TypeLimitsSpec> Types)
{
    public static readonly LimitsSpec Default = new(CaptureLimits.Default, []);
}
