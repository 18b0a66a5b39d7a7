using Sideye.QueryServer.Catalog;

namespace Sideye.QueryServer.Specs;

/// <summary>Gives every snapshot loaded from now on the views of the spec in force.</summary>
public sealed class SpecViews(SpecState state) : ISnapshotViewProvider
{
    public IReadOnlyList<string> CreateStatements(LoadedSnapshot snapshot) => SpecViewSql.Create(state.Current.Sql);
}
