using System.Collections.Concurrent;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Sideye.Capture.Symbols;

/// <summary>
/// The portable PDB of one module (beside the DLL or embedded in it), read with System.Reflection.Metadata.
/// Opened before a live target is paused (warm-up), so the walk inside the pause only does lookups.
/// Thread-safe; lookups are cached per method.
/// </summary>
public sealed class ModuleSymbols : IDisposable
{
    // Async method stepping information: per await, the yield and resume IL offsets of MoveNext.
    private static readonly Guid AsyncMethodSteppingInformation = new("54FD2AC5-E925-401A-9C2A-F94F171072F8");

    private readonly PEReader _pe;
    private readonly MetadataReaderProvider? _pdbProvider;
    private readonly MetadataReader? _pdb;
    private readonly ConcurrentDictionary<int, SequencePoint[]> _sequencePoints = new();
    private readonly ConcurrentDictionary<int, int[]> _awaitYieldOffsets = new();
    private readonly object _readLock = new(); // MetadataReader is not documented as thread-safe for blob reads

    private ModuleSymbols(string modulePath, PEReader pe, MetadataReaderProvider? pdbProvider, string? pdbPath)
    {
        ModulePath = modulePath;
        _pe = pe;
        _pdbProvider = pdbProvider;
        _pdb = pdbProvider?.GetMetadataReader();
        PdbPath = pdbPath;
        Metadata = pe.HasMetadata ? pe.GetMetadataReader() : null;
    }

    public string ModulePath { get; }

    /// <summary>Where the PDB was found; null when there is none (then no file/line, no local names).</summary>
    public string? PdbPath { get; }

    public bool HasPdb => _pdb is not null;

    /// <summary>The module's image, for method bodies (local signatures).</summary>
    internal PEReader Image => _pe;

    /// <summary>The module's own metadata (type and method names, signatures).</summary>
    public MetadataReader? Metadata { get; }

    /// <summary>The PDB metadata, for callers that read local scopes.</summary>
    public MetadataReader? Pdb => _pdb;

    /// <summary>Opens a module file and its PDB; returns null when the module file cannot be read.</summary>
    public static ModuleSymbols? TryOpen(string modulePath)
    {
        if (string.IsNullOrEmpty(modulePath) || !File.Exists(modulePath))
            return null;
        PEReader? pe = null;
        try
        {
            pe = new PEReader(File.OpenRead(modulePath), PEStreamOptions.PrefetchEntireImage);
            MetadataReaderProvider? provider = null;
            string? pdbPath = null;
            try
            {
                if (pe.TryOpenAssociatedPortablePdb(modulePath, path => File.Exists(path) ? File.OpenRead(path) : null, out provider, out pdbPath))
                    pdbPath ??= modulePath + " (embedded)";
            }
            catch (Exception e) when (e is BadImageFormatException or IOException or InvalidOperationException)
            {
                provider = null; // a Windows PDB or a corrupt one: behave as if there were none
            }
            return new ModuleSymbols(modulePath, pe, provider, provider is null ? null : pdbPath);
        }
        catch (Exception e) when (e is BadImageFormatException or IOException or UnauthorizedAccessException)
        {
            pe?.Dispose();
            return null;
        }
    }

    /// <summary>The source line of the sequence point covering <paramref name="ilOffset"/> in a method.</summary>
    public SourceLocation? GetSourceLocation(int methodToken, int ilOffset)
    {
        if (_pdb is null || ilOffset < 0)
            return null;
        SequencePoint[] points = _sequencePoints.GetOrAdd(methodToken, ReadSequencePoints);
        SequencePoint? best = null;
        foreach (SequencePoint sp in points)
        {
            if (sp.Offset > ilOffset)
                break;
            if (!sp.IsHidden)
                best = sp;
        }
        if (best is not { } found)
            return null;
        lock (_readLock)
        {
            Document doc = _pdb.GetDocument(found.Document);
            return new SourceLocation(_pdb.GetString(doc.Name), found.StartLine);
        }
    }

    /// <summary>
    /// The IL offset in MoveNext where an async method suspended at await number <paramref name="state"/>
    /// (the state machine's <c>&lt;&gt;1__state</c>), from the PDB's async stepping information.
    /// </summary>
    public int? GetAwaitYieldOffset(int moveNextToken, int state)
    {
        if (_pdb is null || state < 0)
            return null;
        int[] offsets = _awaitYieldOffsets.GetOrAdd(moveNextToken, ReadAwaitYieldOffsets);
        return state < offsets.Length ? offsets[state] : null;
    }

    /// <summary>Warms the caches for every method of the module that has sequence points.</summary>
    public void Preload()
    {
        if (_pdb is null)
            return;
        foreach (MethodDebugInformationHandle h in _pdb.MethodDebugInformation)
        {
            int token = MetadataTokens.GetToken(h.ToDefinitionHandle());
            _sequencePoints.GetOrAdd(token, ReadSequencePoints);
        }
    }

    private SequencePoint[] ReadSequencePoints(int methodToken)
    {
        if (_pdb is null || (methodToken >> 24) != 0x06)
            return [];
        lock (_readLock)
        {
            try
            {
                var handle = MetadataTokens.MethodDebugInformationHandle(methodToken & 0xFFFFFF);
                MethodDebugInformation info = _pdb.GetMethodDebugInformation(handle);
                if (info.SequencePointsBlob.IsNil)
                    return [];
                return info.GetSequencePoints().OrderBy(p => p.Offset).ToArray();
            }
            catch (BadImageFormatException)
            {
                return [];
            }
        }
    }

    private int[] ReadAwaitYieldOffsets(int moveNextToken)
    {
        if (_pdb is null || (moveNextToken >> 24) != 0x06)
            return [];
        lock (_readLock)
        {
            try
            {
                var method = MetadataTokens.MethodDefinitionHandle(moveNextToken & 0xFFFFFF);
                foreach (CustomDebugInformationHandle h in _pdb.GetCustomDebugInformation(method))
                {
                    CustomDebugInformation cdi = _pdb.GetCustomDebugInformation(h);
                    if (_pdb.GetGuid(cdi.Kind) != AsyncMethodSteppingInformation)
                        continue;
                    BlobReader blob = _pdb.GetBlobReader(cdi.Value);
                    blob.ReadUInt32(); // catch handler offset
                    var yields = new List<int>();
                    while (blob.RemainingBytes > 0)
                    {
                        yields.Add((int)blob.ReadUInt32()); // yield offset
                        blob.ReadUInt32();                 // resume offset
                        blob.ReadCompressedInteger();      // resume method row id
                    }
                    return yields.ToArray();
                }
            }
            catch (BadImageFormatException)
            {
            }
            return [];
        }
    }

    public void Dispose()
    {
        _pdbProvider?.Dispose();
        _pe.Dispose();
    }
}
