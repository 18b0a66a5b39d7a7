namespace Sideye.SpecCompiler;

/// <summary>
/// One value the engine reads from a frame: start at <see cref="RootVariable"/> (an argument, a local, or
/// <c>this</c>), follow <see cref="FieldPath"/>, and store the result in <see cref="Column"/>.
/// </summary>
/// <param name="FieldPath">Member names as the user wrote them. For each, the engine tries the field of that name,
/// then the auto-property backing field <c>&lt;Name&gt;k__BackingField</c>. Empty: the variable itself.</param>
public sealed record VariableCapture(string Column, string RootVariable, EquatableArray<string> FieldPath);
