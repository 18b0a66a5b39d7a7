namespace Sideye.QueryServer.Specs;

/// <summary>
/// Holds the spec in force. Separate from <see cref="SpecService"/> so the snapshot catalog can read it
/// (to shape newly loaded snapshots) without depending on the service that rebuilds the catalog's views.
/// </summary>
public sealed class SpecState(QueryServerOptions options)
{
    private SpecDocument _current = SpecDocument.Empty(options.SpecPath is null ? null : System.IO.Path.GetFullPath(options.SpecPath));

    public SpecDocument Current
    {
        get => Volatile.Read(ref _current);
        internal set => Volatile.Write(ref _current, value);
    }
}
