namespace Sideye.SpecCompiler;

/// <summary>
/// The capture budgets for values of one type, already merged with the spec-wide ones, so the engine
/// never has to combine partial settings itself.
/// </summary>
/// <param name="Type">The type's full name without generic arguments, nested types joined by dots (see <see cref="TypeNames.Normalize"/>).</param>
public sealed record TypeCaptureLimits(string Type, CaptureLimits Limits);
