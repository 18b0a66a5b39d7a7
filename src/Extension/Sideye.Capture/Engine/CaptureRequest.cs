namespace Sideye.Capture.Engine;

/// <summary>
/// What to capture, with which spec, and where to write it: the one request every front-end makes (`sideye snap`, the
/// dotnet-dump command, the query server's capture endpoint), answered by <see cref="CaptureEngine.CaptureAsync"/>.
/// </summary>
public sealed record CaptureRequest(CaptureTarget Target)
{
    /// <summary>The snapshots folder when none is named: `./snapshots`, where `sideye serve` looks by default too.</summary>
    public const string DefaultOutDirectory = "snapshots";

    /// <summary>The folder that receives the snapshot (in a sub-folder named after its id).</summary>
    public string OutDirectory { get; init; } = DefaultOutDirectory;

    /// <summary>The spec file (YAML) naming what to capture; loaded and compiled by the engine. Null for stacks only.</summary>
    public string? SpecPath { get; init; }

    /// <summary>
    /// A plan already compiled (the query server's spec in force, which may live in memory only); when set,
    /// <see cref="SpecPath"/> only names it in the manifest.
    /// </summary>
    public SpecCompiler.CapturePlan? Plan { get; init; }

    /// <summary>
    /// How the manifest names the spec, when not by <see cref="SpecPath"/> (the query server's spec in force, written
    /// to a temporary file for a capture made in a process of its own).
    /// </summary>
    public string? SpecLabel { get; init; }

    /// <summary>How live processes are paused.</summary>
    public PauseMode PauseMode { get; init; } = SnapshotSession.DefaultPauseMode;

    /// <summary>A live process whose walk takes longer is abandoned (and resumed).</summary>
    public TimeSpan MaxPause { get; init; } = TimeSpan.FromSeconds(30);
}
