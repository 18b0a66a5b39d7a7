namespace Sideye.QueryServer.Api;

/// <summary>The built-in part of the spec in force: tables every snapshot has with no spec, and the links between them.</summary>
/// <param name="Enabled">False when the spec says <c>builtins: false</c> (the tables stay queryable; links and wait times are off).</param>
/// <param name="Tables">The built-in tables (kind <c>builtin</c>) with their columns; docs/snapshot-format.md documents them.</param>
/// <param name="Links">The built-in links, resolved like the spec's own.</param>
public sealed record SpecBuiltInsInfo(bool Enabled, IReadOnlyList<SpecTableInfo> Tables, IReadOnlyList<SpecLinkInfo> Links);
