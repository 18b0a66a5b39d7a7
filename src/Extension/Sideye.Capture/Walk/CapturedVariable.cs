namespace Sideye.Capture.Walk;

/// <summary>One captured column of one frame: JSON in plain and raw form, or NULL with the reason.</summary>
public sealed record CapturedVariable(string Function, string Column, string? Json, string? RawJson, string? TypeName, string? Unavailable);
