using System.Collections.Concurrent;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Dac;

/// <summary>
/// The managed side of the data target handed to our own DAC instance: memory, thread contexts and
/// module bases come from ClrMD's <see cref="IDataReader"/> for the same target, so ClrMD's DAC and
/// ours read the same process or dump. Memory a dump lacks is served from managed PE images on disk,
/// and metadata from the same files (the DAC asks for it through ICLRMetadataLocator).
/// </summary>
internal sealed class DacDataTarget : IDisposable
{
    private const ushort MachineAmd64 = 0x8664;
    private const ushort MachineArm64 = 0xAA64;

    private readonly IDataReader _reader;
    private readonly ConcurrentDictionary<string, PEReader?> _images = new(StringComparer.Ordinal);
    private ModuleInfo[]? _modules;

    public DacDataTarget(IDataReader reader, ulong runtimeBase)
    {
        _reader = reader;
        RuntimeBase = runtimeBase;
    }

    public ulong RuntimeBase { get; }

    public ushort MachineType => _reader.Architecture switch
    {
        Architecture.X64 => MachineAmd64,
        Architecture.Arm64 => MachineArm64,
        _ => 0,
    };

    public int PointerSize => _reader.PointerSize;

    public ulong GetImageBase(string imagePath)
    {
        string wanted = Path.GetFileNameWithoutExtension(imagePath);
        foreach (ModuleInfo module in GetModules())
        {
            if (module.ImageBase != 0 &&
                string.Equals(Path.GetFileNameWithoutExtension(module.FileName), wanted, StringComparison.OrdinalIgnoreCase))
            {
                return module.ImageBase;
            }
        }

        return 0;
    }

    public int Read(ulong address, Span<byte> buffer)
    {
        int read = _reader.Read(address, buffer);
        if (read > 0)
            return read;

        // A dump may lack the pages of a mapped managed image (heap and mini dumps); the file has them.
        ModuleInfo? module = FindModule(address);
        if (module is null || GetImage(module.FileName, module.IndexTimeStamp) is not { } image)
            return 0;

        return ReadImage(image, checked((int)(address - module.ImageBase)), buffer);
    }

    public bool GetThreadContext(uint threadId, uint contextFlags, Span<byte> context) =>
        _reader.GetThreadContext(threadId, contextFlags, context);

    /// <summary>Copies a module's metadata (or the bytes at <paramref name="rva"/>) from its file on disk.</summary>
    public int GetMetadata(string imagePath, uint timeStamp, uint imageSize, uint rva, Span<byte> buffer)
    {
        if (GetImage(imagePath, (int)timeStamp) is not { } image)
            return -1;

        PEHeader? header = image.PEHeaders.PEHeader;
        if (header is null || (imageSize != 0 && header.SizeOfImage != imageSize))
            return -1;

        if (rva == 0)
        {
            DirectoryEntry metadata = image.PEHeaders.CorHeader?.MetadataDirectory ?? default;
            if (metadata.RelativeVirtualAddress == 0)
                return -1;

            rva = (uint)metadata.RelativeVirtualAddress;
            if (buffer.Length > metadata.Size)
                buffer = buffer[..metadata.Size];
        }

        return ReadImage(image, (int)rva, buffer);
    }

    public void Dispose()
    {
        foreach (PEReader? image in _images.Values)
            image?.Dispose();

        _images.Clear();
    }

    private static int ReadImage(PEReader image, int rva, Span<byte> buffer)
    {
        if (rva < 0)
            return 0;

        PEMemoryBlock block = image.GetSectionData(rva);
        ReadOnlySpan<byte> source;
        unsafe
        {
            source = block.Length > 0 ? new ReadOnlySpan<byte>(block.Pointer, block.Length) : default;
        }

        int count = Math.Min(source.Length, buffer.Length);
        source[..count].CopyTo(buffer);
        return count;
    }

    private PEReader? GetImage(string? path, int timeStamp)
    {
        if (string.IsNullOrEmpty(path))
            return null;

        return _images.GetOrAdd(path, static (p, stamp) => OpenImage(p, stamp), timeStamp);
    }

    private static PEReader? OpenImage(string path, int timeStamp)
    {
        if (!File.Exists(path))
            return null;

        try
        {
            var image = new PEReader(File.OpenRead(path), PEStreamOptions.PrefetchEntireImage);
            if (!image.HasMetadata || (timeStamp != 0 && image.PEHeaders.CoffHeader.TimeDateStamp != timeStamp))
            {
                image.Dispose();
                return null;
            }

            return image;
        }
        catch (BadImageFormatException)
        {
            return null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private ModuleInfo[] GetModules()
    {
        ModuleInfo[]? modules = _modules;
        if (modules is null)
        {
            modules = _reader.EnumerateModules().ToArray();
            Array.Sort(modules, static (a, b) => a.ImageBase.CompareTo(b.ImageBase));
            _modules = modules;
        }

        return modules;
    }

    private ModuleInfo? FindModule(ulong address)
    {
        ModuleInfo[] modules = GetModules();
        int low = 0, high = modules.Length - 1;
        while (low <= high)
        {
            int mid = low + ((high - low) / 2);
            ModuleInfo module = modules[mid];
            ulong size = module.ImageSize > 0 ? (ulong)module.ImageSize : (ulong)module.IndexFileSize;
            if (address >= module.ImageBase && address - module.ImageBase < size)
                return module.IsManaged ? module : null;

            if (module.ImageBase < address)
                low = mid + 1;
            else
                high = mid - 1;
        }

        return null;
    }
}
