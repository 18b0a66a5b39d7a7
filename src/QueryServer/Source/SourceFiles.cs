using Sideye.QueryServer.Errors;

namespace Sideye.QueryServer.Source;

/// <summary>
/// Reads frames' source files for the stacks view, only under the folders <c>sideye serve --source-root</c> names. The
/// path comes from the target's PDB, which whoever built the target chose: without the roots a snapshot could make the
/// server read any file it can (as root, /etc/shadow). Links are resolved before the check, so a link inside a root
/// cannot lead out of it.
/// </summary>
public sealed class SourceFiles(QueryServerOptions options)
{
    /// <summary>A larger file is not a source file anyone wrote by hand.</summary>
    private const long MaxBytes = 4 << 20;

    public const int MaxContext = 50;

    private readonly IReadOnlyList<string> _roots = [.. options.SourceRoots.Select(r => WithSeparator(Resolve(Path.GetFullPath(r))))];

    /// <summary>Lines <paramref name="line"/> ± <paramref name="context"/> of <paramref name="file"/>, which a frame names.</summary>
    public async Task<SourceResponse> ReadAsync(string file, int line, int context, DateTimeOffset capturedAt, CancellationToken cancellationToken)
    {
        if (_roots.Count == 0)
            throw new SourceUnavailableException(403, "This server shows no source: start `sideye serve` with --source-root <folder> (repeatable) for the folders whose files it may read.");
        if (!Path.IsPathFullyQualified(file))
            throw new SourceUnavailableException(404, $"'{file}' is not a full path: the PDB named the file relative to its build, so this machine cannot find it.");
        string resolved;
        try
        {
            resolved = Resolve(Path.GetFullPath(file));
        }
        catch (IOException e)
        {
            throw new SourceUnavailableException(404, $"'{file}' cannot be resolved: {e.Message}"); // a link loop
        }
        if (!_roots.Any(root => resolved.StartsWith(root, StringComparison.Ordinal)))
            throw new SourceUnavailableException(403, $"'{file}' is outside the source roots this server was started with ({string.Join(", ", _roots)}); add its folder with --source-root.");
        var info = new FileInfo(resolved);
        if (!info.Exists)
            throw new SourceUnavailableException(404, $"'{file}' is not on this machine (the snapshot may come from another one).");
        if (info.Length > MaxBytes)
            throw new SourceUnavailableException(404, $"'{file}' is {info.Length / (1 << 20)} MB: too large to be a source file.");

        int first = Math.Max(1, line - context);
        var lines = new List<string>();
        int number = 0;
        using var reader = new StreamReader(resolved, detectEncodingFromByteOrderMarks: true);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is string text && ++number <= line + context)
        {
            if (number >= first)
                lines.Add(text);
        }
        if (lines.Count == 0)
            throw new SourceUnavailableException(404, $"'{file}' has {number} lines, not {line}: it changed since the snapshot was taken.");
        DateTimeOffset modified = info.LastWriteTimeUtc;
        return new SourceResponse(file, line, first, lines, modified, modified > capturedAt);
    }

    /// <summary>The path with every link in it followed, as the kernel opens it.</summary>
    private static string Resolve(string path)
    {
        string? dir = Path.GetDirectoryName(path);
        string name = Path.GetFileName(path);
        if (dir is null)
            return path; // the root itself
        string parent = Resolve(dir);
        string joined = Path.Combine(parent, name);
        FileSystemInfo? target = new FileInfo(joined).LinkTarget is not null
            ? new FileInfo(joined).ResolveLinkTarget(returnFinalTarget: true)
            : null;
        return target is null ? joined : Resolve(Path.GetFullPath(target.FullName));
    }

    private static string WithSeparator(string path) => path.EndsWith('/') ? path : path + "/";
}
