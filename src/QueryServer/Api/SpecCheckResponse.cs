namespace Sideye.QueryServer.Api;

/// <summary>The body of <c>POST /api/spec/check</c>: what <c>PUT /api/spec</c> would say about the same YAML, with nothing stored.</summary>
/// <param name="Valid">True when PUT would accept it (no errors; warnings allowed).</param>
/// <param name="Diagnostics">Errors first, then warnings, in compiler form (<c>sideye.yaml:4:9: error: ...</c>): the same strings as PUT's 400 problem's <c>diagnostics</c>.</param>
/// <param name="DiagnosticDetails">The same diagnostics, in the same order, taken apart (severity, line, column, message, fix).</param>
/// <param name="Tables">When valid, the function and derived tables it would define, as <c>GET /api/spec</c> lists them; empty otherwise.</param>
/// <param name="Links">When valid, its links; empty otherwise.</param>
public sealed record SpecCheckResponse(
    bool Valid,
    IReadOnlyList<string> Diagnostics,
    IReadOnlyList<SpecDiagnosticInfo> DiagnosticDetails,
    IReadOnlyList<SpecTableInfo> Tables,
    IReadOnlyList<SpecLinkInfo> Links);
