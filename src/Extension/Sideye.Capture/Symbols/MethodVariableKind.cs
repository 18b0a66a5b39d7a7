namespace Sideye.Capture.Symbols;

/// <summary>What a variable is in the source.</summary>
public enum MethodVariableKind
{
    This,
    Parameter,
    Local,
}
