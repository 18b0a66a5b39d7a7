using System.Text.Json;
using Parquet.Serialization;

namespace Sideye.Snapshot;

/// <summary>
/// Writes a snapshot directory: one Parquet file per table plus <c>snapshot.json</c>. The directory is
/// written under a dot-prefixed temporary name and renamed into place, so a reader (the query server
/// watching the folder) never sees half a snapshot.
/// </summary>
public static class SnapshotWriter
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    // A snapshot holds what the processes had in memory: readable by its owner only, as a core dump is, whatever the umask.
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Writes the snapshot under <paramref name="parentDirectory"/> and returns its full path.</summary>
    public static async Task<string> WriteAsync(string parentDirectory, SnapshotManifest manifest, SnapshotData data, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(parentDirectory))
            CreatePrivateDirectory(parentDirectory);
        string final = Path.GetFullPath(Path.Combine(parentDirectory, manifest.Id));
        if (Directory.Exists(final))
            throw new IOException($"Snapshot directory '{final}' already exists.");
        string temp = Path.Combine(parentDirectory, "." + manifest.Id + ".tmp");
        if (Directory.Exists(temp))
            Directory.Delete(temp, recursive: true);
        CreatePrivateDirectory(temp);
        try
        {
            await WriteTableAsync(temp, SnapshotTables.Processes, data.Processes, cancellationToken).ConfigureAwait(false);
            await WriteTableAsync(temp, SnapshotTables.Stacks, data.Stacks, cancellationToken).ConfigureAwait(false);
            await WriteTableAsync(temp, SnapshotTables.Frames, data.Frames, cancellationToken).ConfigureAwait(false);
            await WriteTableAsync(temp, SnapshotTables.CapturedValues, data.CapturedValues, cancellationToken).ConfigureAwait(false);
            BuiltInTables b = data.BuiltIns;
            await WriteTableAsync(temp, SnapshotTables.StackLinks, b.StackLinks, cancellationToken).ConfigureAwait(false);
            await WriteTableAsync(temp, SnapshotTables.GrpcClientCalls, b.GrpcClientCalls, cancellationToken).ConfigureAwait(false);
            await WriteTableAsync(temp, SnapshotTables.GrpcServerCalls, b.GrpcServerCalls, cancellationToken).ConfigureAwait(false);
            await WriteTableAsync(temp, SnapshotTables.HttpServerRequests, b.HttpServerRequests, cancellationToken).ConfigureAwait(false);
            await WriteTableAsync(temp, SnapshotTables.Locks, b.Locks, cancellationToken).ConfigureAwait(false);
            await WriteTableAsync(temp, SnapshotTables.LockWaiters, b.LockWaiters, cancellationToken).ConfigureAwait(false);
            await WriteTableAsync(temp, SnapshotTables.Deadlocks, b.Deadlocks, cancellationToken).ConfigureAwait(false);
            await WriteTableAsync(temp, SnapshotTables.MethodVariables, data.MethodVariables, cancellationToken).ConfigureAwait(false);
            await using (FileStream json = CreatePrivateFile(Path.Combine(temp, SnapshotTables.ManifestFile)))
                await JsonSerializer.SerializeAsync(json, manifest, JsonOptions, cancellationToken).ConfigureAwait(false);
            Directory.Move(temp, final);
            return final;
        }
        catch
        {
            try { Directory.Delete(temp, recursive: true); } catch (IOException) { /* best effort: the error that matters is the original */ }
            throw;
        }
    }

    // Row groups of 100k rows: a reader that needs the first rows (LIMIT) or a range (a filter on stack_id, which rows
    // are written in order of) skips the other groups by their statistics instead of reading the whole table.
    private static readonly Parquet.ParquetOptions Options = new() { RowGroupSize = RowGroupSize };

    /// <summary>Rows per Parquet row group.</summary>
    public const int RowGroupSize = 100_000;

    private static async Task WriteTableAsync<T>(string directory, string table, IReadOnlyList<T> rows, CancellationToken cancellationToken)
    {
        await using FileStream stream = CreatePrivateFile(Path.Combine(directory, SnapshotTables.FileName(table)));
        await ParquetSerializer.SerializeAsync(rows, stream, Options, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(path);
        else
            Directory.CreateDirectory(path, PrivateDirectory);
    }

    private static FileStream CreatePrivateFile(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = PrivateFile;
        return new FileStream(path, options);
    }

    /// <summary>Reads <c>snapshot.json</c> of a snapshot directory.</summary>
    public static SnapshotManifest ReadManifest(string snapshotDirectory)
    {
        string path = Path.Combine(snapshotDirectory, SnapshotTables.ManifestFile);
        return JsonSerializer.Deserialize<SnapshotManifest>(File.ReadAllText(path))
            ?? throw new InvalidDataException($"'{path}' is empty.");
    }

    /// <summary>A new snapshot id: sortable by time, unique enough for one machine.</summary>
    public static string NewId(DateTimeOffset capturedAtUtc) =>
        capturedAtUtc.UtcDateTime.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture)
        + "-" + Convert.ToHexString(BitConverter.GetBytes(Random.Shared.Next())).ToLowerInvariant()[..6];
}
