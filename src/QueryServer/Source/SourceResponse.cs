namespace Sideye.QueryServer.Source;

/// <summary>Lines of a frame's source file around one line: <c>GET /api/snapshots/{id}/source</c>.</summary>
/// <param name="File">The path as the frames spell it (the PDB's document name).</param>
/// <param name="Line">The line asked for (1-based).</param>
/// <param name="FirstLine">The number of <see cref="Lines"/>' first entry.</param>
/// <param name="Lines">The text of the lines from <see cref="FirstLine"/> on, without line ends.</param>
/// <param name="ModifiedUtc">When the file was last written.</param>
/// <param name="ChangedSinceCapture">
/// The file was written after the snapshot was taken: the frames' lines may no longer point at the code that ran.
/// </param>
public sealed record SourceResponse(
    string File,
    int Line,
    int FirstLine,
    IReadOnlyList<string> Lines,
    DateTimeOffset ModifiedUtc,
    bool ChangedSinceCapture);
