using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Sideye.QueryServer.Catalog;

/// <summary>
/// Keeps <see cref="SnapshotCatalog"/> in line with the folder: one scan before the server starts listening,
/// then a scan whenever the file watcher reports a change, and a periodic rescan as a fallback for the
/// events a watcher misses (network file systems, buffer overflows).
/// </summary>
public sealed partial class SnapshotFolderWatcher(SnapshotCatalog catalog, QueryServerOptions options, ILogger<SnapshotFolderWatcher> logger)
    : BackgroundService
{
    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Before Kestrel starts, so the first request already sees every snapshot present at start.
        await catalog.ScanAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using FileSystemWatcher? watcher = CreateWatcher();
        while (!stoppingToken.IsCancellationRequested)
        {
            using (var period = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                period.CancelAfter(options.RescanInterval);
                try
                {
                    await _changes.Reader.ReadAsync(period.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // The period elapsed without an event: rescan anyway.
                }
            }
            try
            {
                await catalog.ScanAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                LogScanFailed(e.Message);
            }
        }
    }

    private FileSystemWatcher? CreateWatcher()
    {
        try
        {
            var watcher = new FileSystemWatcher(catalog.RootDirectory)
            {
                IncludeSubdirectories = false,
                NotifyFilter = NotifyFilters.DirectoryName | NotifyFilters.FileName | NotifyFilters.LastWrite,
            };
            FileSystemEventHandler changed = (_, _) => _changes.Writer.TryWrite(true);
            watcher.Created += changed;
            watcher.Deleted += changed;
            watcher.Changed += changed;
            watcher.Renamed += (_, _) => _changes.Writer.TryWrite(true);
            watcher.Error += (_, _) => _changes.Writer.TryWrite(true);
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException)
        {
            LogNoWatcher(e.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scanning the snapshots folder failed (retrying): {Reason}")]
    private partial void LogScanFailed(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No file watcher on the snapshots folder ({Reason}); relying on the periodic rescan")]
    private partial void LogNoWatcher(string reason);
}
