using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace RuntimeAsyncUser;

/// <summary>
/// Where each parked method stops, recorded by the compiler rather than typed by hand: a parked method calls
/// <see cref="Here"/> as the first statement on the line of its await (or of its blocking call), so
/// [CallerLineNumber] is that line. The call is a statement of its own, never wrapped around the awaited expression:
/// wrapping would change what is awaited (a Task returned by the wrapper instead of the callee's direct async call).
/// </summary>
public static class Truth
{
    private static readonly ConcurrentDictionary<string, int> Lines = new();

    public static void Here([CallerMemberName] string method = "", [CallerLineNumber] int line = 0) => Lines[method] = line;

    /// <summary>"RuntimeAsyncUser.Parked.M:L" for a method that has recorded its line (it must have run up to it).</summary>
    public static string Frame(string method) =>
        Lines.TryGetValue(method, out int line)
            ? $"{typeof(Parked).FullName}.{method}:{line}"
            : throw new InvalidOperationException($"{method} has not reached its await");
}
