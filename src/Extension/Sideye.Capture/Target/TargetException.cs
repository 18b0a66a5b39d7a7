namespace Sideye.Capture.Target;

/// <summary>
/// A target (process or dump) that cannot be captured, with a message that says what is wrong and what
/// to do next. Front-ends print the message as is; it never carries a stack trace to the user.
/// </summary>
public sealed class TargetException : Exception
{
    public TargetException(string target, string message, Exception? inner = null)
        : base($"{target}: {message}", inner)
    {
        Target = target;
    }

    /// <summary>"process 1234 (name)" or "dump /path/core".</summary>
    public string Target { get; }
}
