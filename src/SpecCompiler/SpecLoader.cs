namespace Sideye.SpecCompiler;

/// <summary>
/// Reads a spec: YAML syntax, the shape of every entry, names and values, and the checks across entries
/// that need nothing but the file. Never throws for a bad spec: everything wrong comes back as diagnostics.
/// </summary>
public static class SpecLoader
{
    /// <summary>The name diagnostics use when the text has no file of its own.</summary>
    public const string DefaultFileName = "sideye.yaml";

    /// <summary>Reads and parses a file; diagnostics name it as <paramref name="path"/> was given.</summary>
    public static SpecParseResult LoadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A missing file is reported like any other spec problem, so callers print one kind of output.
            var diagnostic = SpecDiagnostic.Error(SourceSpan.At(path, 1, 1), $"cannot read the spec file: {e.Message}",
                "Check the path and the file's permissions.");
            return new SpecParseResult(null, [diagnostic]);
        }
        return Parse(text, path);
    }

    /// <param name="fileName">How diagnostics name the source, e.g. <c>sideye.yaml:3:5: error: ...</c>.</param>
    public static SpecParseResult Parse(string yaml, string fileName = DefaultFileName) => SpecParser.Parse(yaml, fileName);
}
