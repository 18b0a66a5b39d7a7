namespace Deadlock;

/// <summary>A ledger guarded by a <see cref="System.Threading.Lock"/>: the Lock deadlock's two locks.</summary>
public sealed class Ledger(string name)
{
    public readonly Lock Gate = new();
    public string Name { get; } = name;
    public int Entries;
}
