namespace Sideye.Capture.Values;

/// <summary>What a state machine field is to the user.</summary>
public enum AsyncVariableKind
{
    /// <summary><c>&lt;&gt;4__this</c>: the instance the async method runs on.</summary>
    This,

    /// <summary>A parameter (fields named as the parameter).</summary>
    Parameter,

    /// <summary>A hoisted local (<c>&lt;name&gt;5__N</c>).</summary>
    Local,

    /// <summary>A local captured by a lambda, living in the closure object <c>&lt;&gt;8__N</c>.</summary>
    Captured,
}

/// <summary>A user-visible variable of a suspended async method: its name as written, what it is, the field it lives in and where.</summary>
public sealed record AsyncVariable(string Name, AsyncVariableKind Kind, string FieldName, ValueLocation Location);
