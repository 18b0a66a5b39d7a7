namespace Sideye.SpecCompiler;

public enum SpecSeverity
{
    /// <summary>The spec is still usable; something in it is probably not what was meant.</summary>
    Warning,

    /// <summary>The spec cannot be applied until this is fixed.</summary>
    Error,
}
