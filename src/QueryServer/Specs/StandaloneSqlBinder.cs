using Sideye.QueryServer.Engine;
using Sideye.SpecCompiler;

namespace Sideye.QueryServer.Specs;

/// <summary>
/// The server's spec SQL checks (<see cref="DuckDbSqlBinder"/>) without a server: its own embedded DuckDB, locked down as
/// the server's is, for `sideye spec check`. Front-ends use this and never construct the engine themselves.
/// </summary>
public sealed class StandaloneSqlBinder : ISqlBinder, IDisposable
{
    private readonly DuckDbEngine _engine = new(new QueryServerOptions(Path.GetTempPath(), QueryServerOptions.DefaultUrls));

    public IReadOnlyList<SqlBindError> Bind(SpecSql sql) => new DuckDbSqlBinder(_engine).Bind(sql);

    public void Dispose() => _engine.Dispose();
}
