namespace Deadlock;

/// <summary>An object locked with <c>lock (account)</c>: the Monitor deadlock's two locks.</summary>
public sealed class Account(string name)
{
    public string Name { get; } = name;
    public long Balance;
}
