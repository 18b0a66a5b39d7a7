using System.Collections.Concurrent;

namespace Sideye.Freezer;

/// <summary>
/// The caller's requests, one per line on stdin, and whether the caller is still there. The end of input alone does not
/// tell: a clone is a fork of its target, so it holds copies of the target's descriptors, and when the target is the
/// caller itself (a query server capturing its own process) the clone keeps the write end of our stdin open. Then a
/// SIGKILLed caller would leave us waiting forever with the clone ptrace-stopped. So the parent is watched too: when it
/// dies we are re-parented, and that ends the input as surely as end of file.
/// </summary>
internal sealed class CallerInput
{
    /// <summary>How often the parent is checked while no request comes.</summary>
    private static readonly TimeSpan ParentCheck = TimeSpan.FromMilliseconds(200);

    private readonly BlockingCollection<string> _lines = new(boundedCapacity: 16);
    private readonly int _caller;

    public CallerInput(TextReader input)
    {
        _caller = ProcFs.ParentPid(Environment.ProcessId) ?? 0;
        // Reading blocks, and ptrace calls must stay on the main thread (a tracee belongs to the thread that attached
        // it): the reader is a thread of its own that only hands lines over.
        var reader = new Thread(() =>
        {
            try
            {
                while (input.ReadLine() is string line)
                    _lines.Add(line);
            }
            catch (IOException)
            {
                // a broken input is an ended one
            }
            _lines.CompleteAdding();
        })
        { IsBackground = true, Name = "caller input" };
        reader.Start();
    }

    /// <summary>Why the input ended, once <see cref="Next"/> returned null.</summary>
    public string Ended { get; private set; } = "";

    /// <summary>The next request line; null when the input ended or the caller is gone.</summary>
    public string? Next()
    {
        while (true)
        {
            try
            {
                if (_lines.TryTake(out string? line, ParentCheck))
                    return line;
            }
            catch (InvalidOperationException)
            {
                // completed and empty
            }
            if (_lines.IsCompleted)
            {
                Ended = "end of input";
                return null;
            }
            if (ProcFs.ParentPid(Environment.ProcessId) is int parent && parent != _caller)
            {
                Ended = $"its caller (pid {_caller}) is gone";
                return null;
            }
        }
    }
}
