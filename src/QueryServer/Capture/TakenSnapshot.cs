namespace Sideye.QueryServer.Capture;

/// <summary>The snapshot written (its directory), and the processes that could not be captured.</summary>
public sealed record TakenSnapshot(string Directory, IReadOnlyList<string> Errors);
