using System.Runtime.InteropServices;
using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Dac;

/// <summary>
/// Where a suspended runtime-async method (.NET 11) saved its variables: for a method, the code address of a
/// suspension point (its continuation's <c>DiagnosticIP</c>) and the continuation's <c>State</c>, the list of (IL
/// variable number, offset in the continuation) the JIT recorded in the method's async debug info. Only the DAC's
/// IDacDbiInterface (<c>GetAsyncLocals</c>, what ICorDebug uses) reads that info; ClrMD's ISOSDacInterface has nothing
/// for it. So this loads the DAC the target was opened with (dlopen hands back ClrMD's copy: one DAC in the process)
/// and creates a DacDbi instance over the same data reader.
/// </summary>
/// <remarks>
/// The interface is called through raw vtable slots that differ between runtime builds, and a wrong one crashes the
/// process: only a build listed in <see cref="DacDbiBuilds"/> is used, identified by the commit its file embeds; any
/// other is refused with the reason (never a guessed slot). <c>ParseContinuation</c> is not called: it needs a
/// metadata importer, and without one this build aborts the process. Calls are serialized: the DAC is not thread-safe.
/// </remarks>
internal sealed unsafe class AsyncLocals : IDisposable
{
    private static readonly Guid IID_IDacDbiInterface = new("DB505C1B-A327-4A46-8C32-AF55A56F8E09");

    private readonly object _sync = new();
    private readonly DacDataTarget _target;
    private readonly DacDbiBuild _build;
    private nint _host;
    private nint _interface;

    private AsyncLocals(DacDataTarget target, DacDbiBuild build, nint host, nint dacDbi)
    {
        _target = target;
        _build = build;
        _host = host;
        _interface = dacDbi;
    }

    /// <summary>The DAC build this instance talks to.</summary>
    public DacDbiBuild Build => _build;

    /// <summary>Creates a DacDbi instance over <paramref name="target"/> with the DAC at <paramref name="dacPath"/>.</summary>
    /// <exception cref="DacLoadException">Not a known DAC build, the library or its export is missing, or the DAC refused the target.</exception>
    public static AsyncLocals Create(DataTarget target, string dacPath)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentException.ThrowIfNullOrEmpty(dacPath);

        ClrInfo? clr = target.ClrVersions.FirstOrDefault(c => c.Flavor == ClrFlavor.Core) ?? target.ClrVersions.FirstOrDefault();
        string runtime = clr is null ? "no .NET runtime found in the target" : $"runtime {clr.Version} ({clr.ModuleInfo.FileName})";
        if (clr is null)
            throw new DacLoadException(dacPath, runtime, "the target has no .NET runtime");

        // The build first, from the file: nothing of an unknown build is called, not even its export.
        if (DacDbiBuilds.Resolve(dacPath, target.DataReader.Architecture, out string? refusal) is not { } build)
            throw new DacLoadException(dacPath, runtime, refusal!);

        if (!NativeLibrary.TryLoad(dacPath, out nint library))
            throw new DacLoadException(dacPath, runtime, "the library could not be loaded (missing file or wrong platform)");
        // Never unloaded, like DacFrameReader's: unloading the DAC's PAL leaves a dangling thread-exit destructor.
        DacFrameReader.InitializePal(library);
        if (!NativeLibrary.TryGetExport(library, "DacDbiInterfaceInstance", out nint export))
            throw new DacLoadException(dacPath, runtime, "it does not export DacDbiInterfaceInstance");

        var managedTarget = new DacDataTarget(target.DataReader, clr.ModuleInfo.ImageBase);
        nint host = NativeDacDbiHost.Create(managedTarget);
        nint dacDbi = 0;
        nint second = 0;
        // This build's export (from its disassembly): (ICorDebugDataTarget*, the runtime's base address, the cDAC's
        // contract descriptor (0: not the cDAC), IAllocator*, IMetaDataLookup*, IDacDbiInterface** out, void** out). The
        // second out pointer must be non-null; what it receives is not ours (nothing is released through it).
        var create = (delegate* unmanaged<nint, ulong, ulong, nint, nint, nint*, nint*, int>)export;
        int hr = create(NativeDacDbiHost.Interface(host, NativeDacDbiHost.DataTargetSlot), clr.ModuleInfo.ImageBase, 0,
            NativeDacDbiHost.Interface(host, NativeDacDbiHost.AllocatorSlot), NativeDacDbiHost.Interface(host, NativeDacDbiHost.MetaDataLookupSlot),
            &dacDbi, &second);
        if (hr < 0 || dacDbi == 0)
        {
            XclrData.Release(dacDbi);
            NativeDacDbiHost.Free(host);
            managedTarget.Dispose();
            throw new DacLoadException(dacPath, runtime, $"DacDbiInterfaceInstance failed with {XclrData.Describe(hr)}");
        }

        // Slot 0 of any COM object is QueryInterface: the instance must answer for IDacDbiInterface itself.
        Guid iid = IID_IDacDbiInterface;
        nint same = 0;
        hr = ((delegate* unmanaged<nint, Guid*, nint*, int>)(*(nint**)dacDbi)[0])(dacDbi, &iid, &same);
        if (same != 0)
            XclrData.Release(same);
        if (hr < 0 || same != dacDbi)
        {
            XclrData.Release(dacDbi);
            NativeDacDbiHost.Free(host);
            managedTarget.Dispose();
            throw new DacLoadException(dacPath, runtime, $"the DacDbi instance does not answer for IDacDbiInterface {IID_IDacDbiInterface} ({XclrData.Describe(hr)})");
        }
        return new AsyncLocals(managedTarget, build, host, dacDbi);
    }

    /// <summary>
    /// The variables a runtime-async method saved at one suspension point. An empty list is an answer too: nothing is
    /// live after that await, or the code has no async debug info (framework ReadyToRun code may not).
    /// </summary>
    /// <param name="methodDesc">The method's MethodDesc (ClrMD's, from the method at <paramref name="codeAddress"/>).</param>
    /// <param name="codeAddress">The continuation's DiagnosticIP: inside the very code (tier) that suspended.</param>
    /// <param name="state">The continuation's State: the index of the suspension point.</param>
    public bool TryRead(ulong methodDesc, ulong codeAddress, uint state,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IReadOnlyList<AsyncLocalSlot>? slots,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        var found = new List<AsyncLocalSlot>();
        GCHandle handle = GCHandle.Alloc(found);
        try
        {
            int hr;
            lock (_sync)
            {
                ObjectDisposedException.ThrowIf(_interface == 0, this);
                var getAsyncLocals = (delegate* unmanaged<nint, ulong, ulong, uint, delegate* unmanaged<AsyncLocalData*, nint, void>, nint, int>)
                    (*(nint**)_interface)[_build.GetAsyncLocalsSlot];
                hr = getAsyncLocals(_interface, methodDesc, codeAddress, state, &OnLocal, GCHandle.ToIntPtr(handle));
            }
            if (hr < 0)
            {
                (slots, error) = (null, $"the DAC's GetAsyncLocals failed with {XclrData.Describe(hr)}");
                return false;
            }
            (slots, error) = (found, null);
            return true;
        }
        finally
        {
            handle.Free();
        }
    }

    public void Dispose()
    {
        lock (_sync)
        {
            if (_interface == 0)
                return;
            XclrData.Release(_interface);
            _interface = 0;
            // The DAC is done with our callbacks once its instance is released.
            NativeDacDbiHost.Free(_host);
            _host = 0;
            _target.Dispose();
        }
    }

    [UnmanagedCallersOnly]
    private static void OnLocal(AsyncLocalData* local, nint user)
    {
        // Nothing may throw into the DAC.
        try
        {
            if (local != null && GCHandle.FromIntPtr(user).Target is List<AsyncLocalSlot> found)
                found.Add(new AsyncLocalSlot((int)local->IlVarNum, local->Offset));
        }
        catch (Exception)
        {
        }
    }

    /// <summary>The DAC's AsyncLocalData: the offset from the continuation's start, then the IL variable number.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct AsyncLocalData
    {
        public uint Offset;
        public uint IlVarNum;
    }
}

/// <summary>
/// One saved variable of a suspended runtime-async method: its IL variable number (the arguments first, <c>this</c> = 0
/// in an instance method, then the IL locals at the argument count + their slot) and its offset from the continuation's start.
/// </summary>
internal readonly record struct AsyncLocalSlot(int IlVarNumber, uint Offset);
