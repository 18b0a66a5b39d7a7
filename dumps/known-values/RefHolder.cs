using System.Runtime.CompilerServices;

namespace KnownValues;

/// <summary>
/// A thread parked in a struct's instance method that takes its arguments by reference: <c>this</c> is a
/// managed pointer to the struct, <c>counter</c> and <c>origin</c> point at the caller's locals.
/// </summary>
public struct RefHolder
{
    public static readonly ManualResetEventSlim InPlace = new();

    public int Id;
    public string Label;

    public RefHolder(int id, string label)
    {
        Id = id;
        Label = label;
    }

    /// <summary>Runs <see cref="Hold"/> on the calling thread with locals the byref arguments point at.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Run()
    {
        var holder = new RefHolder(11, "ref-holder");
        int counter = 5;
        Point origin = new Point(-1, 2);
        holder.Hold(ref counter, in origin);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public readonly void Hold(ref int counter, in Point origin)
    {
        counter++;
        InPlace.Set();
        Thread.Sleep(Timeout.Infinite);
        Console.WriteLine($"{Id} {Label} {counter} {origin}");
    }
}
