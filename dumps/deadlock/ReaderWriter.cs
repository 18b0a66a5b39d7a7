namespace Deadlock;

/// <summary>
/// A <see cref="ReaderWriterLockSlim"/> held for writing by thread <c>catalog-writer</c> (which then sleeps for good)
/// and thread <c>catalog-reader</c> waiting to read it.
/// </summary>
public static class ReaderWriter
{
    public static readonly ReaderWriterLockSlim Catalog = new();

    public static Thread[] Start()
    {
        using var held = new ManualResetEventSlim();
        var writer = new Thread(() =>
        {
            Catalog.EnterWriteLock();
            held.Set();
            Thread.Sleep(Timeout.Infinite);
        }) { IsBackground = true, Name = "catalog-writer" };
        writer.Start();
        held.Wait();
        var reader = new Thread(() => Catalog.EnterReadLock()) { IsBackground = true, Name = "catalog-reader" };
        reader.Start();
        return [writer, reader];
    }
}
